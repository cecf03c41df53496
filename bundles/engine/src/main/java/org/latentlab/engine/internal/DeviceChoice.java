package org.latentlab.engine.internal;

import java.util.List;
import java.util.Locale;

import ai.djl.Device;

/**
 * A spec's {@code device} field read against the GPUs the engine sees and those this worker may use (the setting
 * {@code gpus} in {@value EngineConfiguration#FILE}): {@code "auto"}, {@code "cpu"}, {@code "gpu"} or {@code "gpu:N"}.
 * {@code "auto"} and {@code "gpu"} take the first GPU this worker may use; anything unavailable or unknown is refused
 * with one sentence that says what to use instead.
 */
public final class DeviceChoice {

    /** The choice a spec gets when it names no device. */
    public static final String AUTO = "auto";

    private static final String ACCEPTED = "\"auto\", \"cpu\", \"gpu\" or \"gpu:N\"";

    private DeviceChoice() {}

    /**
     * The device for {@code choice} on a host whose engine sees {@code gpuCount} GPUs.
     *
     * @param choice the spec's value; {@code null} or blank means {@code "auto"}
     * @param gpuCount how many GPUs the engine sees
     * @return the chosen device
     * @throws IllegalArgumentException when the choice is unknown or names a GPU this host does not have
     */
    public static Device of(String choice, int gpuCount) {
        return of(choice, gpuCount, GpuSelection.ALL);
    }

    /**
     * The device for {@code choice} on a host whose engine sees {@code gpuCount} GPUs, of which this worker may use
     * those {@code gpus} selects.
     *
     * @param choice the spec's value; {@code null} or blank means {@code "auto"}
     * @param gpuCount how many GPUs the engine sees
     * @param gpus the GPUs this worker may use
     * @return the chosen device
     * @throws IllegalArgumentException when the choice is unknown or names a GPU this worker may not use
     */
    public static Device of(String choice, int gpuCount, GpuSelection gpus) {
        String written = choice == null || choice.isBlank() ? AUTO : choice.strip();
        String name = written.toLowerCase(Locale.ROOT);
        List<Integer> usable = gpus.usable(gpuCount);
        if (name.equals(AUTO)) {
            return usable.isEmpty() ? Device.cpu() : Device.gpu(usable.get(0));
        }
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return gpus.all() ? gpu(written, 0, gpuCount) : allowedGpu(written, null, gpuCount, gpus);
        }
        if (name.startsWith("gpu:")) {
            int index = index(written, name.substring("gpu:".length()));
            return gpus.all() ? gpu(written, index, gpuCount) : allowedGpu(written, index, gpuCount, gpus);
        }
        throw new IllegalArgumentException(
                "The spec asks for device '" + written + "', which is not a device name; use " + ACCEPTED + ".");
    }

    /** A GPU among those the setting {@code gpus} allows: the first of them when {@code index} is null. */
    private static Device allowedGpu(String written, Integer index, int gpuCount, GpuSelection gpus) {
        noGpu(written, gpuCount);
        List<Integer> usable = gpus.usable(gpuCount);
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("The spec asks for device '" + written + "' but this worker may use none"
                    + " of the GPUs this host's PyTorch engine sees (" + GpuSelection.SETTING + " = " + gpus + " in "
                    + EngineConfiguration.FILE + "); use \"auto\" or \"cpu\".");
        }
        if (index == null) {
            return Device.gpu(usable.get(0));
        }
        if (!usable.contains(index)) {
            throw new IllegalArgumentException("The spec asks for device '" + written + "' but this worker may use only "
                    + GpuSelection.names(usable) + " (" + GpuSelection.SETTING + " = " + gpus + " in "
                    + EngineConfiguration.FILE + "); use " + (usable.size() == 1 ? "that" : "one of those")
                    + ", \"auto\" or \"cpu\".");
        }
        return Device.gpu(index);
    }

    private static void noGpu(String written, int gpuCount) {
        if (gpuCount <= 0) {
            throw new IllegalArgumentException("The spec asks for device '" + written
                    + "' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".");
        }
    }

    private static Device gpu(String written, int index, int gpuCount) {
        noGpu(written, gpuCount);
        if (index >= gpuCount) {
            throw new IllegalArgumentException("The spec asks for device '" + written
                    + "' but this host's PyTorch engine sees " + gpuCount + (gpuCount == 1 ? " GPU" : " GPUs")
                    + " (" + (gpuCount == 1 ? "gpu:0" : "gpu:0 to gpu:" + (gpuCount - 1))
                    + "); use one of those, \"auto\" or \"cpu\".");
        }
        return Device.gpu(index);
    }

    private static int index(String written, String digits) {
        if (!digits.isEmpty() && digits.length() <= 4 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Integer.parseInt(digits);
        }
        throw new IllegalArgumentException("The spec asks for device '" + written
                + "', whose GPU number is not a number like 0 or 1; use " + ACCEPTED + ".");
    }
}
