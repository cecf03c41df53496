package org.latentlab.engine.internal;

import java.util.Locale;

import ai.djl.Device;

/**
 * A spec's {@code device} field read against the GPUs the engine sees: {@code "auto"}, {@code "cpu"}, {@code "gpu"}
 * or {@code "gpu:N"}. Anything unavailable or unknown is refused with one sentence that says what to use instead.
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
        String written = choice == null || choice.isBlank() ? AUTO : choice.strip();
        String name = written.toLowerCase(Locale.ROOT);
        if (name.equals(AUTO)) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return gpu(written, 0, gpuCount);
        }
        if (name.startsWith("gpu:")) {
            return gpu(written, index(written, name.substring("gpu:".length())), gpuCount);
        }
        throw new IllegalArgumentException(
                "The spec asks for device '" + written + "', which is not a device name; use " + ACCEPTED + ".");
    }

    private static Device gpu(String written, int index, int gpuCount) {
        if (gpuCount <= 0) {
            throw new IllegalArgumentException("The spec asks for device '" + written
                    + "' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".");
        }
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
