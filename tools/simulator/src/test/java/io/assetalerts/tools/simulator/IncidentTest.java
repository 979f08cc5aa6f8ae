package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.assetalerts.tools.simulator.Incident.Kind;
import org.junit.jupiter.api.Test;

class IncidentTest {

    @Test
    void parsesACommaSeparatedList() {
        assertThat(Incident.parseList("TURBINE-101:spike:30s, PUMP-101:SUSTAINED:2 min"))
                .containsExactly(new Incident("TURBINE-101", Kind.SPIKE, Duration.ofSeconds(30)),
                        new Incident("PUMP-101", Kind.SUSTAINED, Duration.ofMinutes(2)));
    }

    @Test
    void saysWhichPartIsWrong() {
        assertThatThrownBy(() -> Incident.parse("TURBINE-101:spike")).hasMessageContaining("ASSET:KIND:START_OFFSET");
        assertThatThrownBy(() -> Incident.parse("TURBINE-101:melt:3s")).hasMessageContaining("spike, sustained or silent");
        assertThatThrownBy(() -> Incident.parse("TURBINE-101:spike:soon")).hasMessageContaining("duration");
    }
}
