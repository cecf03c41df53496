package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class GpuSelectionTest {

    @Test
    void unsetBlankAndAllMeanEveryGpuTheEngineSees() {
        assertSame(GpuSelection.ALL, GpuSelection.parse(null));
        assertSame(GpuSelection.ALL, GpuSelection.parse("  "));
        assertSame(GpuSelection.ALL, GpuSelection.parse(" All "));
        assertTrue(GpuSelection.ALL.all());
        assertEquals(List.of(0, 1, 2), GpuSelection.ALL.usable(3));
        assertEquals(List.of(), GpuSelection.ALL.usable(0));
        assertEquals(List.of(), GpuSelection.ALL.unseen(0));
    }

    @Test
    void numbersAreSortedWithoutRepeats() {
        GpuSelection gpus = GpuSelection.parse(" 3, 1 ,1,0 ");
        assertFalse(gpus.all());
        assertEquals("0,1,3", gpus.toString());
        assertEquals(GpuSelection.parse("0,1,3"), gpus);
        assertEquals(List.of(0, 1, 3), gpus.usable(4));
    }

    @Test
    void onlyTheGpusTheEngineSeesAreUsable() {
        GpuSelection gpus = GpuSelection.parse("1,3");
        assertEquals(List.of(1), gpus.usable(2));
        assertEquals(List.of(3), gpus.unseen(2));
        assertEquals(List.of(), gpus.usable(0));
        assertEquals(List.of(1, 3), gpus.unseen(0));
    }

    @Test
    void noneIsNoGpu() {
        GpuSelection none = GpuSelection.parse("NONE");
        assertFalse(none.all());
        assertEquals("none", none.toString());
        assertEquals(List.of(), none.usable(8));
    }

    @Test
    void anythingElseIsRefusedWithOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuSelection.parse("0;1"));
        assertEquals("The setting gpus = '0;1' in etc/org.latentlab.engine.cfg is not a list of GPU numbers;"
                + " write gpus = all, gpus = none, or the numbers separated by commas, like gpus = 0,1.", e.getMessage());
        for (String bad : new String[] {"gpu:0", "0,", ",1", "-1", "1.5", "99999", "first"}) {
            assertThrows(IllegalArgumentException.class, () -> GpuSelection.parse(bad), bad);
        }
    }

    @Test
    void gpusAreNamedAsASpecWritesThem() {
        assertEquals("gpu:0", GpuSelection.names(List.of(0)));
        assertEquals("gpu:0 and gpu:2", GpuSelection.names(List.of(0, 2)));
        assertEquals("gpu:0, gpu:1 and gpu:3", GpuSelection.names(List.of(0, 1, 3)));
    }
}
