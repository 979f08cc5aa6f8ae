package io.assetalerts.contracts.codec;

import java.nio.charset.StandardCharsets;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.state.RuleChange;

/**
 * One record of the rules topic, read the same way by the job, its submission snapshot and the {@code rules} tool: the
 * key is the scope, the value a {@link RuleSet} in JSON or null (a tombstone: the scope's override is removed). Every
 * rejection is INVALID_RULE, its message naming the field.
 */
public final class RuleRecords {

    /** The scope whose rule set applies to every asset no type or asset scope names. */
    public static final String DEFAULT_SCOPE = "default";

    private RuleRecords() {
    }

    public static boolean isScope(String scope) {
        return scope.equals(DEFAULT_SCOPE) || scope.matches("(type|asset):\\S(.*\\S)?");
    }

    public static Decoded<RuleChange> decode(byte[] key, byte[] value, int partition, long offset) {
        if (key == null || Utf8.firstInvalidOffset(key) >= 0) {
            return Decoded.rejected(RejectReason.INVALID_RULE, "record key must be the rule scope (default,"
                    + " type:<assetType> or asset:<assetId>), got " + (key == null ? "no key" : "invalid UTF-8"));
        }
        String scope = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return isScope(scope)
                    ? Decoded.ok(new RuleChange(scope, null, partition, offset))
                    : Decoded.rejected(RejectReason.INVALID_RULE, "tombstone for an unknown scope '" + scope + "'");
        }
        Decoded<RuleSet> decoded = EventJson.decodeRuleSet(scope, value);
        return decoded.isOk()
                ? Decoded.ok(new RuleChange(scope, decoded.value(), partition, offset))
                : Decoded.rejected(RejectReason.INVALID_RULE, decoded.message());
    }
}
