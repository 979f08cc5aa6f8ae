package io.assetalerts.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The build's schema evolution guard (SPEC 3): every schema in src/main/avro against every version of it in
 * released/, both directions. A failure lists each problem on its own line; contracts/README.md says what to do.
 */
class SchemaCompatibilityTest {

    private static final Path MODULE = SchemaCompatibilityChecker.moduleDir();

    @Test
    void everySchemaIsCompatibleWithEveryReleasedVersionOfIt() throws Exception {
        List<String> problems = SchemaCompatibilityChecker.check(
                MODULE.resolve("src/main/avro"), MODULE.resolve("released"));

        if (!problems.isEmpty()) {
            fail(problems.size() + " schema evolution problem(s), see contracts/README.md:\n  "
                    + String.join("\n  ", problems));
        }
    }

    @Test
    void loadsEveryContractAndStateType() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Schema> current = SchemaCompatibilityChecker.loadCurrent(MODULE.resolve("src/main/avro"), problems);

        assertThat(problems).isEmpty();
        assertThat(current).containsKeys("AssetRegistered", "TelemetryReceived", "AlertTriggered", "DeadLetter",
                "state/Reading", "state/Inbound", "state/WindowAccumulator");
    }
}
