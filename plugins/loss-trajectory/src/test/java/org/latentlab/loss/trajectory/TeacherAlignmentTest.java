package org.latentlab.loss.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.AlignedLatents;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class TeacherAlignmentTest {

    static final Example TWO = new Example("two", "Tom is a wumpus. Every wumpus is a yumpus. Is Tom a yumpus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());
    static final Example THREE = new Example("three",
            "Every wumpus is a yumpus. Every yumpus is a zumpus. Tom is a wumpus. Is Tom a zumpus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."), "Tom is a zumpus.", Map.of());

    private final Coconut method = new Coconut();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(),
            List.of(THREE.question(), THREE.answer(), String.join(" ", THREE.steps()), TWO.question()));
    private final TeacherAlignment loss = new TeacherAlignment();

    /** Every step latent from the start: latent i stands for step i. */
    private CurriculumStage allLatent() {
        return method.curriculum(Map.of("curriculum", false, "maxLatentStage", 3), 1).stages().get(0);
    }

    @Test
    void eachLatentStepIsSetAgainstTheTeachersStateAtTheLastTokenOfItsStep() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            List<Example> examples = List.of(TWO, THREE);
            LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), allLatent());
            AlignedLatents aligned = AlignedLatents.of(trace, examples);
            assertEquals(5, aligned.size());   // 2 + 3 steps, each with its latent
            NDArray targets = TeacherAlignment.Teacher.run(model, examples, vocabulary, false, m).stepEnds(aligned, m);
            for (int k = 0; k < aligned.size(); k++) {
                Example example = examples.get(aligned.rows()[k]);
                // the teacher is causal: its state at the end of step s is that of a pass over the chain up to there alone
                List<Integer> prefix = new ArrayList<>(TokenLayout.prompt(example, vocabulary));
                for (int s = 0; s <= aligned.steps()[k]; s++) {
                    prefix.addAll(vocabulary.encode(example.steps().get(s)));
                }
                int[] ids = prefix.stream().mapToInt(Integer::intValue).toArray();
                NDArray alone = model.forward(model.embed(m.create(ids, new Shape(1, ids.length))), 0, null, Taps.HIDDEN).hidden()
                        .get(new NDIndex("0, -1, :"));
                float diff = alone.sub(targets.get(k)).abs().max().getFloat();
                assertTrue(diff < 1e-4f, "aligned latent " + k + ": " + diff);
            }
        }
    }

    @Test
    void smoothL1IsHalfTheSquareInsideOneScaleAndLinearBeyond() {
        try (NDManager m = NDManager.newBaseManager()) {
            // target with components ±1: standard deviation 1, so the scaled difference is the difference itself
            NDArray target = m.create(new float[] {1, -1, 1, -1}, new Shape(1, 4));
            NDArray latent = m.create(new float[] {1.5f, -1, 4, -1}, new Shape(1, 4));
            float value = TeacherAlignment.smoothL1(latent, target, m).getFloat();
            assertEquals((0.5 * 0.25 + 0 + (3 - 0.5) + 0) / 4, value, 1e-6);
            assertEquals(0f, TeacherAlignment.smoothL1(target, target, m).getFloat(), 0f);
            // the teacher's scale divides the difference: twice the target, twice the tolerated distance
            NDArray wide = target.mul(2f);
            float scaled = TeacherAlignment.smoothL1(wide.add(m.create(new float[] {1, 0, 6, 0}, new Shape(1, 4))), wide, m).getFloat();
            assertEquals(value, scaled, 1e-6);
        }
    }

    @Test
    void theFrozenTeacherOnlyPullsTheLatentsAndTheJointOneAlsoLearnsItsChain() throws Exception {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            List<Example> examples = List.of(TWO, THREE);
            Batch batch = new Batch(examples, vocabulary, m);
            long d = model.config().dModel();
            NDArray latents = m.randomNormal(new Shape(2, 3, d));
            latents.setRequiresGradient(true);
            NDArray stepIndex = m.create(new int[] {0, 1, -1, 0, 1, 2}, new Shape(2, 3));
            LatentTrace trace = new LatentTrace(null, null, latents, Map.of(LatentTrace.STEP_INDEX, stepIndex), 0);

            float frozen;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray value = loss.compute(trace, new LossContext(model, batch, allLatent(), Map.of("teacher", "frozen")));
                frozen = value.getFloat();
                collector.backward(value);
            }
            assertTrue(frozen > 0, "random latents sit away from the teacher's states");
            assertTrue(latents.getGradient().get(new NDIndex("0, 0:2, :")).abs().sum().getFloat() > 0, "aligned latents are pulled");
            assertEquals(0f, latents.getGradient().get(new NDIndex("0, 2, :")).abs().sum().getFloat(), 0f,
                    "a latent that stands for no step is left alone");
            assertEquals(0f, gradientMass(model), 0f, "the frozen teacher's states are targets, not trained");

            float joint;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray value = loss.compute(trace, new LossContext(model, batch, allLatent(), Map.of("teacherWeight", 2)));
                joint = value.getFloat();
                collector.backward(value);
            }
            float teacherLoss = TeacherAlignment.Teacher.run(model, examples, vocabulary, true, m).crossEntropy().getFloat();
            assertEquals(frozen + 2 * teacherLoss, joint, 1e-4 * joint, "the joint teacher adds its chain's cross-entropy, weighted");
            assertTrue(gradientMass(model) > 0, "the joint teacher is trained");
        }
    }

    private static float gradientMass(Backbone model) {
        float total = 0;
        for (NDArray p : model.parameters().values()) {
            total += p.getGradient().abs().sum().getFloat();
        }
        return total;
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException teacher = assertThrows(IllegalArgumentException.class, () -> TeacherAlignment.joint(Map.of("teacher", "both")));
        assertTrue(teacher.getMessage().contains("'teacher'"), teacher.getMessage());
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> TeacherAlignment.teacherWeight(Map.of("teacherWeight", -1)));
        assertTrue(weight.getMessage().contains("'teacherWeight'"), weight.getMessage());
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 32, 2, 2, 128), ai.djl.Device.cpu(), 7);
    }
}
