package io.assetalerts.udfs.rules;

import java.time.Instant;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.SilenceParameters;
import io.assetalerts.schemas.SustainedOverheatParameters;
import io.assetalerts.schemas.ThresholdParameters;

/** Rule versions for tests, written the way a person publishes them: only the parameters that change. */
public final class RuleSets {

    private final RuleSet.Builder builder;

    private RuleSets(String scope, long version, long effectiveFromMillis) {
        builder = RuleSet.newBuilder().setScope(scope).setVersion(version)
                .setEffectiveFrom(Instant.ofEpochMilli(effectiveFromMillis));
    }

    public static RuleSets version(String scope, long version, long effectiveFromMillis) {
        return new RuleSets(scope, version, effectiveFromMillis);
    }

    public RuleSets critical(double critical) {
        threshold().setCritical(critical);
        return this;
    }

    public RuleSets thresholdEnabled(boolean enabled) {
        threshold().setEnabled(enabled);
        return this;
    }

    public RuleSets warn(double warn) {
        sustained().setWarn(warn);
        return this;
    }

    public RuleSets windowSize(String size) {
        sustained().setWindowSize(size);
        return this;
    }

    public RuleSets windowCount(int count) {
        sustained().setWindowCount(count);
        return this;
    }

    public RuleSets sustainedEnabled(boolean enabled) {
        sustained().setEnabled(enabled);
        return this;
    }

    public RuleSets silenceEnabled(boolean enabled) {
        builder.setAssetSilence(new SilenceParameters(enabled));
        return this;
    }

    public RuleSet build() {
        return builder.build();
    }

    private ThresholdParameters threshold() {
        if (!builder.hasTemperatureThreshold()) {
            builder.setTemperatureThreshold(new ThresholdParameters(null, null, null, null, null, null));
        }
        return builder.getTemperatureThreshold();
    }

    private SustainedOverheatParameters sustained() {
        if (!builder.hasSustainedOverheat()) {
            builder.setSustainedOverheat(new SustainedOverheatParameters(null, null, null, null));
        }
        return builder.getSustainedOverheat();
    }
}
