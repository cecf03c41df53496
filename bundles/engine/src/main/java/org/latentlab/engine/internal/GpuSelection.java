package org.latentlab.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The GPUs this worker may use, from the setting {@value #SETTING} in {@value EngineConfiguration#FILE}: {@code all}
 * (the default: every GPU the engine sees), {@code none}, or GPU numbers separated by commas, like {@code 0,1}.
 */
public final class GpuSelection {

    /** The setting's name. */
    public static final String SETTING = "gpus";

    /** Every GPU the engine sees: the default. */
    public static final GpuSelection ALL = new GpuSelection(null);

    private final List<Integer> allowed; // ascending, distinct; null for all

    private GpuSelection(List<Integer> allowed) {
        this.allowed = allowed == null ? null : List.copyOf(allowed);
    }

    /**
     * Reads the setting.
     *
     * @param value the setting's value; {@code null} or blank means {@code all}
     * @return the selection
     * @throws IllegalArgumentException with one sentence when the value is not a selection
     */
    public static GpuSelection parse(String value) {
        if (value == null || value.isBlank()) {
            return ALL;
        }
        String written = value.strip();
        String lower = written.toLowerCase(Locale.ROOT);
        if (lower.equals("all")) {
            return ALL;
        }
        if (lower.equals("none")) {
            return new GpuSelection(List.of());
        }
        TreeSet<Integer> numbers = new TreeSet<>();
        for (String item : written.split(",", -1)) {
            String digits = item.strip();
            if (digits.isEmpty() || digits.length() > 4 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("The setting " + SETTING + " = '" + written + "' in "
                        + EngineConfiguration.FILE + " is not a list of GPU numbers; write " + SETTING + " = all, "
                        + SETTING + " = none, or the numbers separated by commas, like " + SETTING + " = 0,1.");
            }
            numbers.add(Integer.parseInt(digits));
        }
        return new GpuSelection(new ArrayList<>(numbers));
    }

    /** Whether this is every GPU the engine sees. */
    public boolean all() {
        return allowed == null;
    }

    /**
     * The GPUs this worker uses on a host whose engine sees {@code gpuCount}, ascending.
     *
     * @param gpuCount how many GPUs the engine sees
     * @return GPU numbers, possibly none
     */
    public List<Integer> usable(int gpuCount) {
        List<Integer> usable = new ArrayList<>();
        for (int gpu = 0; gpu < gpuCount; gpu++) {
            if (allowed == null || allowed.contains(gpu)) {
                usable.add(gpu);
            }
        }
        return usable;
    }

    /**
     * The GPUs the selection names that the engine does not see, ascending.
     *
     * @param gpuCount how many GPUs the engine sees
     * @return GPU numbers, none for {@link #ALL}
     */
    public List<Integer> unseen(int gpuCount) {
        List<Integer> unseen = new ArrayList<>();
        if (allowed != null) {
            for (int gpu : allowed) {
                if (gpu >= gpuCount) {
                    unseen.add(gpu);
                }
            }
        }
        return unseen;
    }

    /** Names GPUs as a spec writes them: {@code gpu:0}, {@code gpu:0 and gpu:1}, {@code gpu:0, gpu:1 and gpu:3}. */
    static String names(List<Integer> gpus) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < gpus.size(); i++) {
            if (i > 0) {
                names.append(i == gpus.size() - 1 ? " and " : ", ");
            }
            names.append("gpu:").append(gpus.get(i));
        }
        return names.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GpuSelection && Objects.equals(allowed, ((GpuSelection) other).allowed);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(allowed);
    }

    /** The setting's value as written in the file: {@code all}, {@code none} or {@code 0,1}. */
    @Override
    public String toString() {
        if (allowed == null) {
            return "all";
        }
        if (allowed.isEmpty()) {
            return "none";
        }
        StringBuilder written = new StringBuilder();
        for (int gpu : allowed) {
            written.append(written.length() == 0 ? "" : ",").append(gpu);
        }
        return written.toString();
    }
}
