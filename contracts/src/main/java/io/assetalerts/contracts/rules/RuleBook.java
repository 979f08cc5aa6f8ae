package io.assetalerts.contracts.rules;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;


/**
 * Rule thresholds per asset type: the defaults, and overrides for the types a rules file names. An asset's
 * type comes from its registration; a type the file does not name gets the defaults.
 *
 * <p>The rules file is YAML (and so also JSON):
 * <pre>
 * defaults:            # optional; each key optional (SPEC defaults: 100.0, 90.0, 1 min, 3)
 *   critical: 100.0
 *   warn: 90.0
 *   window: 1 min
 *   windows: 3
 *   clear: 95.0        # TEMPERATURE_THRESHOLD hysteresis (default: critical)
 *   clearDelay: 1 min  # (default 0)
 * assetTypes:
 *   PUMP: {critical: 80, warn: 70}   # unnamed keys inherit from defaults
 * </pre>
 * Unknown keys, wrong types and impossible values are errors, so a typo never silently keeps a default.
 */
public final class RuleBook implements Serializable {

    private final RuleSettings defaults;
    private final Map<String, RuleSettings> byAssetType;

    public RuleBook(RuleSettings defaults, Map<String, RuleSettings> byAssetType) {
        this.defaults = defaults;
        this.byAssetType = Map.copyOf(byAssetType);
    }

    public static RuleBook of(RuleSettings defaults) {
        return new RuleBook(defaults, Map.of());
    }

    public RuleSettings forType(String assetType) {
        return assetType == null ? defaults : byAssetType.getOrDefault(assetType, defaults);
    }

    public RuleSettings defaults() {
        return defaults;
    }

    public Map<String, RuleSettings> byAssetType() {
        return byAssetType;
    }

    /** Reads a rules file on top of {@code base} (the defaults from flags); errors name the file and the key. */
    public static RuleBook load(Path file, RuleSettings base) {
        return RulesFile.load(file, base);
    }

    static RuleBook parse(String yamlOrJson, RuleSettings base) {
        return RulesFile.parse(yamlOrJson, base);
    }

    @Override
    public String toString() {
        return "RuleBook{defaults=" + defaults + ", byAssetType=" + byAssetType + "}";
    }
}
