package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.SustainedOverheatParameters;
import io.assetalerts.schemas.ThresholdParameters;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.codec.Durations;

/**
 * A scripted rule change of the simulator: {@code SCOPE:OFFSET:PARAM=VALUE[+PARAM=VALUE...]}, e.g.
 * {@code type:PUMP:6min:critical=92} or {@code asset:TURBINE-101:2min:threshold=off}. It becomes a RuleSet effective at
 * {@code --start-time + OFFSET} of event time, published before the first reading, so it is ahead of event time
 * and judges exactly the readings from its effectiveFrom on. Its version is that instant in epoch seconds, so a later
 * change of a scope always ranks above an earlier one, across runs too.
 *
 * <p>Parameters: {@code critical}, {@code warn}, {@code windowSize} (e.g. {@code 2min}), {@code windowCount},
 * {@code threshold=on|off} and {@code sustained=on|off} (the rules' enabled switches).
 */
final class RuleChange {

    private RuleChange() {
    }

    static List<RuleSet> parseList(String list, Instant start) {
        List<RuleSet> changes = new ArrayList<>();
        for (String item : list.split(",")) {
            changes.add(parse(item.trim(), start));
        }
        return changes;
    }

    static RuleSet parse(String item, Instant start) {
        int paramsAt = item.lastIndexOf(':');
        int offsetAt = paramsAt < 0 ? -1 : item.lastIndexOf(':', paramsAt - 1);
        if (offsetAt <= 0) {
            throw new IllegalArgumentException("expected SCOPE:OFFSET:PARAM=VALUE[+PARAM=VALUE], got '" + item + "'");
        }
        String scope = item.substring(0, offsetAt);
        Duration offset;
        try {
            offset = Durations.parse(item.substring(offsetAt + 1, paramsAt));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + item + "': the offset must be a duration like 6min");
        }
        Instant effectiveFrom = start.plus(offset);
        ThresholdParameters threshold = new ThresholdParameters(null, null, null, null, null, null);
        SustainedOverheatParameters sustained = new SustainedOverheatParameters(null, null, null, null);
        for (String param : item.substring(paramsAt + 1).split("\\+")) {
            String[] kv = param.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("'" + item + "': expected PARAM=VALUE, got '" + param + "'");
            }
            try {
                switch (kv[0]) {
                    case "critical" -> threshold.setCritical(Double.parseDouble(kv[1]));
                    case "threshold" -> threshold.setEnabled(onOff(kv[1]));
                    case "clear" -> threshold.setClear(Double.parseDouble(kv[1]));
                    case "clearDelay" -> threshold.setClearDelay(kv[1]);
                    case "warn" -> sustained.setWarn(Double.parseDouble(kv[1]));
                    case "windowSize" -> sustained.setWindowSize(kv[1]);
                    case "windowCount" -> sustained.setWindowCount(Integer.parseInt(kv[1]));
                    case "sustained" -> sustained.setEnabled(onOff(kv[1]));
                    default -> throw new IllegalArgumentException("unknown parameter '" + kv[0] + "' (critical, clear,"
                            + " clearDelay, warn, windowSize, windowCount, threshold, sustained)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + item + "': '" + kv[1] + "' is not a number");
            }
        }
        RuleSet rules = RuleSet.newBuilder().setScope(scope)
                .setVersion(effectiveFrom.getEpochSecond())
                .setEffectiveFrom(effectiveFrom)
                .setTemperatureThreshold(threshold.equals(new ThresholdParameters(null, null, null, null, null, null)) ? null : threshold)
                .setSustainedOverheat(sustained.equals(new SustainedOverheatParameters(null, null, null, null))
                        ? null : sustained)
                .build();
        // the job's own check, so a change the job would dead-letter is refused here
        Decoded<RuleSet> checked = EventJson.decodeRuleSet(scope, EventJson.encode(rules));
        if (!checked.isOk()) {
            throw new IllegalArgumentException("'" + item + "': " + checked.message());
        }
        return checked.value();
    }

    private static boolean onOff(String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("expected on or off, got '" + value + "'");
        };
    }

    static String describe(RuleSet rules) {
        return rules.getScope() + " v" + rules.getVersion() + " from " + rules.getEffectiveFrom() + ": "
                + Rules.describe(rules);
    }
}
