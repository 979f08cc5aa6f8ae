package io.assetalerts.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the report is stamped with about the machine: memory from /proc/meminfo, the CPU model from /proc/cpuinfo. */
final class Machine {

    private Machine() {
    }

    /** MemTotal in bytes, or -1 when /proc/meminfo cannot be read. */
    static long memTotalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // reported as unknown
        }
        return -1;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // reported as unknown
        }
        return "unknown CPU";
    }
}
