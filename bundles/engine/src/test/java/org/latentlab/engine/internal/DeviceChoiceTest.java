package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import ai.djl.Device;

class DeviceChoiceTest {

    @Test
    void autoIsTheCpuWithoutGpu() {
        assertEquals(Device.cpu(), DeviceChoice.of("auto", 0));
    }

    @Test
    void autoIsTheFirstGpuWhenThereIsOne() {
        assertEquals(Device.gpu(0), DeviceChoice.of("auto", 2));
    }

    @Test
    void noChoiceMeansAuto() {
        assertEquals(Device.cpu(), DeviceChoice.of(null, 0));
        assertEquals(Device.cpu(), DeviceChoice.of("  ", 0));
        assertEquals(Device.gpu(0), DeviceChoice.of(null, 1));
    }

    @Test
    void cpuIsTheCpuEvenWithGpus() {
        assertEquals(Device.cpu(), DeviceChoice.of("cpu", 0));
        assertEquals(Device.cpu(), DeviceChoice.of(" CPU ", 4));
    }

    @Test
    void gpuAndGpuNNameGpus() {
        assertEquals(Device.gpu(0), DeviceChoice.of("gpu", 1));
        assertEquals(Device.gpu(1), DeviceChoice.of("gpu:1", 2));
        assertEquals(Device.gpu(0), DeviceChoice.of("GPU:0", 1));
    }

    @Test
    void gpuWithoutGpuIsRefusedWithOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu", 0));
        assertEquals("The spec asks for device 'gpu' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:1", 0));
        assertEquals("The spec asks for device 'gpu:1' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".",
                e.getMessage());
    }

    @Test
    void aGpuBeyondTheLastIsRefusedNamingThoseThere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:2", 2));
        assertEquals("The spec asks for device 'gpu:2' but this host's PyTorch engine sees 2 GPUs (gpu:0 to gpu:1);"
                + " use one of those, \"auto\" or \"cpu\".", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:1", 1));
        assertEquals("The spec asks for device 'gpu:1' but this host's PyTorch engine sees 1 GPU (gpu:0);"
                + " use one of those, \"auto\" or \"cpu\".", e.getMessage());
    }

    @Test
    void unknownNamesAreRefusedNamingTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("tpu", 8));
        assertEquals("The spec asks for device 'tpu', which is not a device name;"
                + " use \"auto\", \"cpu\", \"gpu\" or \"gpu:N\".", e.getMessage());
        for (String bad : new String[] {"gpu:", "gpu:x", "gpu:-1", "gpu:99999", "cuda:0", "gpu0"}) {
            assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of(bad, 8), bad);
        }
    }

    @Test
    void withEveryGpuAllowedTheChoiceIsAsWithoutSelection() {
        for (String choice : new String[] {null, "auto", "cpu", "gpu", "gpu:1"}) {
            assertEquals(DeviceChoice.of(choice, 2), DeviceChoice.of(choice, 2, GpuSelection.ALL), choice);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.of("gpu:2", 2, GpuSelection.ALL));
        assertEquals("The spec asks for device 'gpu:2' but this host's PyTorch engine sees 2 GPUs (gpu:0 to gpu:1);"
                + " use one of those, \"auto\" or \"cpu\".", e.getMessage());
    }

    @Test
    void autoAndGpuTakeTheFirstAllowedGpu() {
        GpuSelection gpus = GpuSelection.parse("2,1");
        assertEquals(Device.gpu(1), DeviceChoice.of("auto", 4, gpus));
        assertEquals(Device.gpu(1), DeviceChoice.of(null, 4, gpus));
        assertEquals(Device.gpu(1), DeviceChoice.of("gpu", 4, gpus));
        assertEquals(Device.gpu(2), DeviceChoice.of("gpu:2", 4, gpus));
        assertEquals(Device.cpu(), DeviceChoice.of("cpu", 4, gpus));
    }

    @Test
    void anAllowedGpuTheEngineDoesNotSeeIsPassedOver() {
        GpuSelection gpus = GpuSelection.parse("0,3");
        assertEquals(Device.gpu(0), DeviceChoice.of("auto", 2, gpus));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:3", 2, gpus));
        assertEquals("The spec asks for device 'gpu:3' but this worker may use only gpu:0"
                + " (gpus = 0,3 in etc/org.latentlab.engine.cfg); use that, \"auto\" or \"cpu\".", e.getMessage());
    }

    @Test
    void aGpuThatIsNotAllowedIsRefusedNamingTheAllowedOnes() {
        GpuSelection gpus = GpuSelection.parse("0,1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:2", 4, gpus));
        assertEquals("The spec asks for device 'gpu:2' but this worker may use only gpu:0 and gpu:1"
                + " (gpus = 0,1 in etc/org.latentlab.engine.cfg); use one of those, \"auto\" or \"cpu\".",
                e.getMessage());
    }

    @Test
    void withNoAllowedGpuAutoIsTheCpuAndGpuIsRefused() {
        GpuSelection none = GpuSelection.parse("none");
        assertEquals(Device.cpu(), DeviceChoice.of("auto", 2, none));
        assertEquals(Device.cpu(), DeviceChoice.of("cpu", 2, none));
        for (String choice : new String[] {"gpu", "gpu:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeviceChoice.of(choice, 2, none));
            assertEquals("The spec asks for device '" + choice + "' but this worker may use none of the GPUs this host's"
                    + " PyTorch engine sees (gpus = none in etc/org.latentlab.engine.cfg); use \"auto\" or \"cpu\".",
                    e.getMessage());
        }
        assertEquals(Device.cpu(), DeviceChoice.of("auto", 2, GpuSelection.parse("5")));
    }

    @Test
    void withoutGpuASelectionChangesNothing() {
        GpuSelection gpus = GpuSelection.parse("0");
        assertEquals(Device.cpu(), DeviceChoice.of("auto", 0, gpus));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:0", 0, gpus));
        assertEquals("The spec asks for device 'gpu:0' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("gpu:x", 2, gpus));
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.of("tpu", 2, gpus));
    }
}
