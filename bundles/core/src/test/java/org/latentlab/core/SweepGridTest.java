package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.SweepPlan;
import org.junit.jupiter.api.Test;

/** How a sweep file's lists become a grid of specs. */
class SweepGridTest {

    private final SweepGrid grid = new SweepGrid(new SpecReader());

    private SweepPlan expand(String json) {
        return grid.expand(json, null);
    }

    @Test
    void aMethodOptionListAndSeedsMakeAGridWhoseSeedsVaryFastest() {
        SweepPlan plan = expand("""
                {"name": "thoughts", "seeds": [1, 2],
                 "dataset": {"name": "prosqa", "train": 64},
                 "method": {"name": "coconut", "options": {"thoughtsPerStep": [1, 2, 3]}}}
                """);
        assertEquals("thoughts", plan.name());
        assertEquals(List.of("method.options.thoughtsPerStep", "seed"), plan.axes());
        assertEquals(6, plan.points().size());
        SweepPlan.Point second = plan.points().get(1);
        assertEquals(Map.of("method.options.thoughtsPerStep", 1, "seed", 2), second.values());
        assertEquals(2L, second.spec().seed());
        assertEquals(1, second.spec().method().options().get("thoughtsPerStep"));
        assertEquals(3, plan.points().get(5).spec().method().options().get("thoughtsPerStep"));
        assertEquals("thoughts [thoughtsPerStep=1 seed=2]", second.spec().name(), "each run's name says its point");
        assertEquals(64, second.spec().dataset().train(), "what is not swept is kept");
    }

    @Test
    void typedFieldsAreSweptWhereTheSpecExpectsOneValueAndObjectsCarryTheirOwnAxes() {
        SweepPlan plan = expand("""
                {"dataset": {"name": "prosqa"},
                 "training": {"batchSize": [16, 32]},
                 "method": [{"name": "cot"}, {"name": "coconut", "options": {"thoughtsPerStep": [1, 2]}}]}
                """);
        // cot, coconut t=1, coconut t=2 — each at two batch sizes
        assertEquals(6, plan.points().size());
        assertEquals(List.of("training.batchSize", "method", "method.options.thoughtsPerStep"), plan.axes());
        assertEquals("cot", plan.points().get(3).spec().method().name());
        assertEquals(32, plan.points().get(3).spec().training().batchSize(), "the later field varies faster");
        assertEquals(32, plan.points().get(5).spec().training().batchSize());
        assertEquals(2, plan.points().get(5).spec().method().options().get("thoughtsPerStep"));
        assertEquals(plan.points().get(0).values().size() + 1, plan.points().get(1).values().size(),
                "a point of cot has no thoughtsPerStep value");
    }

    @Test
    void aListWhereTheSpecExpectsAListIsOneValueUnlessItIsAListOfLists() {
        SweepPlan one = expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "coconut"},
                 "losses": [{"name": "language"}, {"name": "outcome", "weight": [0.5, 1.0]}],
                 "probes": [{"name": "frontier", "options": {"thoughts": [[1, 2, 3]]}}]}
                """);
        assertEquals(2, one.points().size(), "only the weight is swept");
        assertEquals(List.of("losses[1].weight"), one.axes(), "a one-value list sweeps nothing");
        assertEquals(2, one.points().get(0).spec().losses().size());
        assertEquals(List.of(1, 2, 3), one.points().get(0).spec().probes().get(0).options().get("thoughts"),
                "a list inside a list is an option's one value");

        SweepPlan two = expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "coconut"},
                 "losses": [[{"name": "language"}], [{"name": "outcome"}, {"name": "trajectory"}]]}
                """);
        assertEquals(2, two.points().size());
        assertEquals(2, two.points().get(1).spec().losses().size());
        assertEquals("trajectory", two.points().get(1).spec().losses().get(1).name());
    }

    @Test
    void anArrayOfSweepsIsTheirPointsInTurn() {
        SweepPlan plan = expand("""
                [{"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "seeds": [1, 2]},
                 {"dataset": {"name": "prosqa"}, "method": {"name": "coconut", "options": {"thoughtsPerStep": [1, 2]}}, "seeds": [1, 2]}]
                """);
        assertEquals(6, plan.points().size());
        assertEquals(List.of("method.options.thoughtsPerStep", "seed"), plan.axes(), "the seed axis stays last");
        assertEquals("cot", plan.name(), "no name: the first method's");
    }

    @Test
    void theExampleSweepIsCotAndCoconutWithTwoThoughtCountsOverThreeSeeds() throws Exception {
        java.nio.file.Path file = java.nio.file.Path.of("../../examples/sweeps/coconut-thoughts.json");
        SweepPlan plan = grid.expand(java.nio.file.Files.readString(file), file.getParent());
        assertEquals(9, plan.points().size());
        assertEquals(List.of("method", "method.options.thoughtsPerStep", "seed"), plan.axes());
        assertEquals("coconut-thoughts [method=coconut thoughtsPerStep=2 seed=3]", plan.points().get(8).spec().name());
        assertEquals("coconut-thoughts [method=cot seed=1]", plan.points().get(0).spec().name());
    }

    @Test
    void aSweepWithoutListsIsOneRun() {
        SweepPlan plan = expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}}
                """);
        assertEquals(1, plan.points().size());
        assertTrue(plan.axes().isEmpty());
        assertEquals(null, plan.points().get(0).spec().name(), "an unswept spec keeps its name");
    }

    @Test
    void badSweepsAreRefusedWithOneSentenceNamingTheField() {
        assertEquals("the sweep's field 'training.batchSize' holds an empty list of values; give at least one.",
                assertThrows(SpecException.class, () -> expand("""
                        {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "training": {"batchSize": []}}
                        """)).getMessage());
        assertTrue(assertThrows(SpecException.class, () -> expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "seed": 1, "seeds": [2, 3]}
                """)).getMessage().contains("both \"seed\" and \"seeds\""));
        assertTrue(assertThrows(SpecException.class, () -> expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "seeds": [1.5]}
                """)).getMessage().contains("non-empty list of whole numbers"));
        String wrongType = assertThrows(SpecException.class, () -> expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "training": {"batchSize": [16, "many"]}}
                """)).getMessage();
        assertTrue(wrongType.startsWith("The sweep's point batchSize=many: ") && wrongType.contains("'training.batchSize' must be a whole number"),
                wrongType);
        assertTrue(assertThrows(SpecException.class, () -> expand("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot", "options": {"a": [1,2,3,4,5,6,7,8,9,10],
                 "b": [1,2,3,4,5,6,7,8,9,10], "c": [1,2,3,4,5,6,7,8,9,10], "d": [1,2,3,4,5,6,7,8,9,10], "e": [1, 2]}}}
                """)).getMessage().contains("more than 10000 runs"));
        assertTrue(assertThrows(SpecException.class, () -> expand("{\"method\": ")).getMessage().startsWith("The spec is not valid JSON"));
    }
}
