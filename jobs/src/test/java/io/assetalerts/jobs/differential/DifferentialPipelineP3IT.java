package io.assetalerts.jobs.differential;

import io.assetalerts.jobs.testing.MiniFlink;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DifferentialPipeline}'s {@value DifferentialPipeline#FLEETS} fleets at parallelism 3. */
class DifferentialPipelineP3IT extends DifferentialPipeline {

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    DifferentialPipelineP3IT() {
        super(3);
    }

    @Override
    MiniFlink flink() {
        return FLINK;
    }
}
