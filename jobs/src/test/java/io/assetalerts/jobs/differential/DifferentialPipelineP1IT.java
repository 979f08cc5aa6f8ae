package io.assetalerts.jobs.differential;

import io.assetalerts.jobs.testing.MiniFlink;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DifferentialPipeline}'s {@value DifferentialPipeline#FLEETS} fleets at parallelism 1. */
class DifferentialPipelineP1IT extends DifferentialPipeline {

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    DifferentialPipelineP1IT() {
        super(1);
    }

    @Override
    MiniFlink flink() {
        return FLINK;
    }
}
