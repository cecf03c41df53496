package org.latentlab.loss.trajectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.AlignedLatents;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.method.TokenCrossEntropy;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.Taps;

import org.osgi.service.component.annotations.Component;

/**
 * Trajectory supervision, as CODI aligns a student to a teacher: the teacher is the same backbone reading the explicit
 * chain of thought ({@code <bos> question <sep> steps <answer> answer <eos>}); each latent step L_t that stands for step
 * s is pulled towards the teacher's final hidden state h_s at the last token of step s, with the smooth-L1 distance of
 * (L_t − h_s)/σ_s, σ_s the standard deviation of h_s's components, so every step gets a signal of its own whatever its
 * scale. The target carries no gradient. With {@code teacher: joint} (the default) the teacher is trained at the same
 * time on the explicit chain, by its token cross-entropy weighted {@code teacherWeight}; with {@code teacher: frozen} the
 * loss only reads it, and the teacher is whatever the model has learnt of explicit reasoning (Coconut's first curriculum
 * stage, or another loss).
 */
@Component(service = SupervisionLoss.class)
@ComponentName("trajectory")
public final class TeacherAlignment implements SupervisionLoss {

    static final String TEACHER = "teacher";
    static final String TEACHER_WEIGHT = "teacherWeight";

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS);
    }

    @Override
    public Set<String> options() {
        return Set.of(TEACHER, TEACHER_WEIGHT);
    }

    @Override
    public NDArray compute(LatentTrace trace, LossContext context) {
        boolean joint = joint(context.options());
        float teacherWeight = teacherWeight(context.options());
        NDManager manager = context.batch().manager();
        AlignedLatents aligned = AlignedLatents.of(trace, context.batch().examples());
        if (aligned.size() == 0 && !joint) {
            return manager.zeros(new Shape(), DataType.FLOAT32);
        }
        Teacher teacher = Teacher.run(context.model(), context.batch().examples(), context.batch().vocabulary(), joint, manager);
        NDArray loss = aligned.size() == 0 ? manager.zeros(new Shape(), DataType.FLOAT32)
                : smoothL1(aligned.latents(), teacher.stepEnds(aligned, manager), manager);
        if (joint) {
            loss = loss.add(teacher.crossEntropy().mul(manager.create(teacherWeight)));
        }
        return loss;
    }

    /** Mean over aligned steps and components of smoothL1((L − h)/σ), σ per target vector, the target detached. */
    static NDArray smoothL1(NDArray latents, NDArray targets, NDManager manager) {
        NDArray target = targets.stopGradient();
        NDArray centred = target.sub(target.mean(new int[] {-1}, true));
        NDArray scale = centred.square().mean(new int[] {-1}, true).sqrt().maximum(1e-6f);
        NDArray x = latents.sub(target).div(scale);
        NDArray size = x.abs();
        NDArray half = manager.create(0.5f);
        // 0.5 x² inside |x| < 1, |x| − 0.5 outside
        return NDArrays.where(size.lt(1f), x.square().mul(half), size.sub(half)).mean();
    }

    static boolean joint(Map<String, Object> options) {
        Object value = options.getOrDefault(TEACHER, "joint");
        if ("joint".equals(value)) {
            return true;
        }
        if ("frozen".equals(value)) {
            return false;
        }
        throw new IllegalArgumentException("The trajectory loss's option 'teacher' must be \"joint\" or \"frozen\", not " + value + ".");
    }

    static float teacherWeight(Map<String, Object> options) {
        Object value = options.getOrDefault(TEACHER_WEIGHT, 1.0);
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw new IllegalArgumentException("The trajectory loss's option 'teacherWeight' must be a number of at least 0, not " + value + ".");
        }
        return n.floatValue();
    }

    /** The teacher's pass over the explicit chains of a batch. */
    record Teacher(Forward pass, NDArray labels, int[][] stepEnds) {

        /** The teacher's pass; its logits only when {@code withLogits} (the joint teacher's cross-entropy reads them). */
        static Teacher run(Backbone model, List<Example> examples, Vocabulary vocabulary, boolean withLogits, NDManager manager) {
            List<TokenLayout.Sequence> sequences = new ArrayList<>();
            int[][] ends = new int[examples.size()][];
            for (int b = 0; b < examples.size(); b++) {
                Example example = examples.get(b);
                List<Integer> prompt = TokenLayout.prompt(example, vocabulary);
                List<Integer> ids = new ArrayList<>(prompt);
                ids.addAll(TokenLayout.continuation(example, example.steps(), vocabulary));
                sequences.add(new TokenLayout.Sequence(ids, prompt.size()));
                ends[b] = new int[example.steps().size()];
                int column = prompt.size() - 1;
                for (int s = 0; s < example.steps().size(); s++) {
                    column += vocabulary.encode(example.steps().get(s)).size();
                    ends[b][s] = column;
                }
            }
            TokenLayout.Packed packed = TokenLayout.pack(sequences, vocabulary, manager);
            Forward pass = model.forward(model.embed(packed.ids()), 0, null, withLogits ? Taps.LOGITS : Taps.HIDDEN);
            return new Teacher(pass, packed.labels(), ends);
        }

        /** h_s for every aligned latent step: the teacher's hidden state at the last token of its step, {@code [n, dModel]}. */
        NDArray stepEnds(AlignedLatents aligned, NDManager manager) {
            Shape shape = pass.hidden().getShape();
            long length = shape.get(1);
            long dModel = shape.get(2);
            long[] flat = new long[aligned.size()];
            for (int k = 0; k < aligned.size(); k++) {
                flat[k] = aligned.rows()[k] * length + stepEnds[aligned.rows()[k]][aligned.steps()[k]];
            }
            NDArray all = pass.hidden().reshape(shape.get(0) * length, dModel);
            return all.gather(manager.create(flat, new Shape(flat.length, 1)).repeat(1, dModel), 0);
        }

        /** The teacher's next-token cross-entropy on its explicit chain and answer. */
        NDArray crossEntropy() {
            return TokenCrossEntropy.mean(pass.logits(), labels);
        }
    }
}
