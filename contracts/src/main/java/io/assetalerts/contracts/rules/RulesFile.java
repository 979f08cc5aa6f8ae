package io.assetalerts.contracts.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.assetalerts.contracts.codec.Durations;

/**
 * The {@code --rules} file format of {@link RuleBook}, kept apart so that code that only uses a rule book (the tools)
 * never needs the YAML parser on its class path.
 */
final class RulesFile {

    private static final Set<String> TOP_KEYS = Set.of("defaults", "assetTypes");
    private static final Set<String> SETTING_KEYS =
            Set.of("critical", "warn", "window", "windows", "clear", "clearDelay");

    private RulesFile() {
    }

    /** Reads a rules file on top of {@code base} (the defaults from flags); errors name the file and the key. */
    static RuleBook load(Path file, RuleSettings base) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read rules file '" + file + "': " + e.getMessage());
        }
        try {
            return parse(text, base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules file '" + file + "': " + e.getMessage());
        }
    }

    static RuleBook parse(String yamlOrJson, RuleSettings base) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yamlOrJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid YAML/JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return RuleBook.of(base);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("expected a mapping with 'defaults' and/or 'assetTypes'");
        }
        checkKeys(root, TOP_KEYS, "");
        RuleSettings defaults = root.has("defaults") ? settings(root.get("defaults"), base, "defaults") : base;
        Map<String, RuleSettings> types = new HashMap<>();
        JsonNode typesNode = root.get("assetTypes");
        if (typesNode != null && !typesNode.isNull()) {
            if (!typesNode.isObject()) {
                throw new IllegalArgumentException("'assetTypes' must be a mapping of asset type to settings");
            }
            Iterator<Map.Entry<String, JsonNode>> it = typesNode.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                types.put(e.getKey(), settings(e.getValue(), defaults, "assetTypes." + e.getKey()));
            }
        }
        return new RuleBook(defaults, types);
    }

    private static RuleSettings settings(JsonNode node, RuleSettings inherit, String path) {
        if (node == null || node.isNull()) {
            return inherit;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("'" + path + "' must be a mapping of critical, warn, window, windows, clear, clearDelay");
        }
        checkKeys(node, SETTING_KEYS, path + ".");
        double critical = node.has("critical") ? number(node.get("critical"), path + ".critical") : inherit.critical();
        double warn = node.has("warn") ? number(node.get("warn"), path + ".warn") : inherit.warn();
        Double clear = node.has("clear") ? Double.valueOf(number(node.get("clear"), path + ".clear")) : inherit.clear();
        Duration size = node.has("window") ? duration(node.get("window"), path + ".window") : inherit.windowSize();
        Duration clearDelay = node.has("clearDelay")
                ? duration(node.get("clearDelay"), path + ".clearDelay") : inherit.clearDelay();
        int count = inherit.windowCount();
        if (node.has("windows")) {
            JsonNode n = node.get("windows");
            if (!n.isInt()) {
                throw new IllegalArgumentException("'" + path + ".windows' must be a whole number, got " + n);
            }
            count = n.intValue();
        }
        try {
            return new RuleSettings(critical, warn, size, count, clear, clearDelay);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + path + "': " + e.getMessage());
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown key '" + prefix + name + "' (allowed: " + allowed + ")");
            }
        }
    }

    private static double number(JsonNode n, String path) {
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("'" + path + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static Duration duration(JsonNode n, String path) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("'" + path + "' must be a duration like '1 min' or '30s', got " + n);
        }
        try {
            return Durations.parse(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + path + "' must be a duration like '1 min' or '30s', got " + n);
        }
    }

}
