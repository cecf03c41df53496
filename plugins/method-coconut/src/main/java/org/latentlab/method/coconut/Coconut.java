package org.latentlab.method.coconut;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.GreedyDecoder;
import org.latentlab.api.method.LeftPaddedPrompts;
import org.latentlab.api.method.LatentPerturbation;
import org.latentlab.api.method.LatentPrefix;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

import org.osgi.service.component.annotations.Component;

/**
 * Coconut, chain of continuous thought (Hao et al., "Training Large Language Models to Reason in a Continuous Latent
 * Space"): between {@code <bot>} and {@code <eot>} the model's last hidden state is fed back as the next input
 * embedding instead of being decoded into a token. A curriculum replaces the first k reasoning steps by k·c such
 * continuous thoughts at stage k; the loss reads only what follows {@code <eot>}, and reaches the question through the
 * chain of thoughts.
 */
@Component(service = ReasoningMethod.class)
@ComponentName("coconut")
public final class Coconut implements ReasoningMethod, LatentPrefix, LatentPerturbation {

    @Override
    public Set<Capability> provides() {
        return Set.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES, Capability.LATENT_PREFIX,
                Capability.ALIGNED_STEPS, Capability.LATENT_PERTURBATION);
    }

    /** {@code <bot>}, {@code <eot>} and {@code <latent>} start as copies of the {@code initialiseFrom} token (the paper's code). */
    @Override
    public void initialise(Backbone model, Vocabulary vocabulary, Map<String, Object> options) {
        int from = CoconutOptions.of(options).initialiseFromId(vocabulary);
        for (String token : specialTokens()) {
            model.copyEmbedding(from, vocabulary.id(token));
        }
    }

    @Override
    public List<String> specialTokens() {
        return List.of(LatentLayout.BOT, LatentLayout.EOT, LatentLayout.LATENT);
    }

    @Override
    public Set<String> options() {
        return CoconutOptions.NAMES;
    }

    /**
     * Stage k = 0, 1, ..., maxLatentStage of epochsPerStage epochs each, then one stage past the last for the epochs left;
     * without curriculum, that final stage alone for every epoch.
     */
    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        CoconutOptions checked = CoconutOptions.of(options);
        if (epochs < 1) {
            throw new IllegalArgumentException("The coconut method needs at least one epoch to train, not " + epochs + ".");
        }
        List<CurriculumStage> stages = new ArrayList<>();
        if (!checked.curriculum()) {
            int k = checked.finalStage();
            return new Curriculum(List.of(new CurriculumStage(0, name(k, checked) + ", no curriculum", epochs, checked.settings(k))));
        }
        int left = epochs;
        for (int k = 0; left > 0; k++) {
            boolean past = checked.pastLastStage(k);
            int stageEpochs = past ? left : Math.min(checked.epochsPerStage(), left);
            stages.add(new CurriculumStage(k, name(k, checked), stageEpochs, checked.settings(k)));
            left -= stageEpochs;
        }
        return new Curriculum(stages);
    }

    private static String name(int k, CoconutOptions options) {
        int slots = options.pastLastStage(k) ? options.maxLatentStage() * options.thoughtsPerStep() : k * options.thoughtsPerStep();
        String count = switch (options.thought()) {
            case CONTINUOUS -> slots + (slots == 1 ? " thought" : " thoughts");
            case PAUSE -> slots + (slots == 1 ? " pause" : " pauses");
            case NONE -> options.pastLastStage(k) ? "no thoughts" : "no thoughts, " + k + (k == 1 ? " step" : " steps") + " removed";
        };
        return "stage " + k + " (" + count + (options.pastLastStage(k) ? ", no steps" : "") + ")";
    }

    /**
     * One pass over the columns before the first thought, one single-column pass per thought (the last hidden state
     * of the column before is the input, §3), one pass over the rest, all through one key/value cache.
     */
    @Override
    public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
        return forward(model, batch, stage, null);
    }

    /** The training pass with {@code perturbation[:, i]} added to thought i where it is fed back. */
    @Override
    public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage, NDArray perturbation) {
        CoconutOptions options = CoconutOptions.of(stage.settings());
        NDManager manager = batch.manager();
        LatentLayout layout = LatentLayout.of(batch.examples(), CoconutOptions.stage(stage), options, batch.vocabulary(), true);
        if (options.thought() == CoconutOptions.Thought.PAUSE) {
            if (perturbation != null) {
                throw new IllegalArgumentException("The coconut method with pause thoughts feeds no latent step back, so it has none to perturb;"
                        + " probe the gradient of a continuous coconut.");
            }
            return pauseForward(model, layout, manager);
        }
        Shape expected = new Shape(layout.batch(), layout.maxThoughts(), model.config().dModel());
        if (perturbation != null && !perturbation.getShape().equals(expected)) {
            throw new IllegalArgumentException("The perturbation of the coconut method's latent steps must have the shape of the latents, "
                    + expected + ", not " + perturbation.getShape() + ".");
        }
        int rows = layout.batch();
        int first = layout.firstLatent();
        int thoughts = layout.maxThoughts();
        int length = layout.length();
        long d = model.config().dModel();
        NDArray embedded = model.embed(layout.columns(layout.ids(), 0, length, manager));   // [B, T, d]
        KvCache cache = model.newCache();   // its arrays belong to the manager of the first pass: the batch's

        List<Forward> passes = new ArrayList<>();
        Forward pass = pass(model, embedded.get(new NDIndex(":, 0:{}, :", first)), layout, 0, first, cache, manager);
        passes.add(pass);
        NDArray previous = pass.hidden().get(new NDIndex(":, -1:, :"));                      // [B, 1, d]
        NDArray none = manager.zeros(new Shape(), previous.getDataType());
        List<NDArray> latents = new ArrayList<>();
        for (int i = 0; i < thoughts; i++) {
            int column = first + i;
            // rows with a thought here read the last hidden state; rows with fewer thoughts read their token
            NDArray thought = layout.hasThought(i, manager).broadcast(new Shape(rows, 1, d));
            NDArray token = embedded.get(new NDIndex(":, {}:{}, :", column, column + 1));
            if (perturbation != null) {
                previous = previous.add(perturbation.get(new NDIndex(":, {}:{}, :", i, i + 1)));
            }
            latents.add(NDArrays.where(thought, previous, none));
            pass = pass(model, NDArrays.where(thought, previous, token), layout, column, column + 1, cache, manager);
            passes.add(pass);
            previous = pass.hidden();
        }
        if (first + thoughts < length) {
            passes.add(pass(model, embedded.get(new NDIndex(":, {}:, :", first + thoughts)), layout, first + thoughts, length, cache, manager));
        }

        NDArray logits = concat(passes.stream().map(Forward::logits).toList());
        Map<String, NDArray> states = new LinkedHashMap<>();
        for (String hook : passes.get(0).residualStream().keySet()) {
            states.put(hook, concat(passes.stream().map(f -> f.residualStream().get(hook)).toList()));
        }
        NDArray thoughtStates = latents.isEmpty() ? manager.zeros(new Shape(rows, 0, d), previous.getDataType()) : concat(latents);
        states.put(LatentTrace.LATENT_COLUMNS, layout.latentColumns(manager));
        states.put(LatentTrace.STEP_INDEX, layout.stepIndex(manager));
        return new LatentTrace(logits, layout.columns(layout.labels(), 0, length, manager), thoughtStates, states, layout.tokens());
    }

    /**
     * Pause as thought: the slots read the learnable {@code <latent>} embedding, nothing is fed back, so one pass covers
     * the whole layout. The latent steps reported are the final hidden states at the columns the continuous method would
     * feed back.
     */
    private static LatentTrace pauseForward(Backbone model, LatentLayout layout, NDManager manager) {
        int length = layout.length();
        Forward pass = pass(model, model.embed(layout.columns(layout.ids(), 0, length, manager)), layout, 0, length, null, manager);
        Map<String, NDArray> states = new LinkedHashMap<>(pass.residualStream());
        NDArray columns = layout.latentColumns(manager);
        states.put(LatentTrace.LATENT_COLUMNS, columns);
        states.put(LatentTrace.STEP_INDEX, layout.stepIndex(manager));
        int first = layout.firstLatent();
        NDArray hidden = pass.hidden().get(new NDIndex(":, {}:{}, :", first - 1, first - 1 + layout.maxThoughts()));
        NDArray present = columns.gte(0).expandDims(2).broadcast(hidden.getShape());
        NDArray latents = NDArrays.where(present, hidden, manager.zeros(new Shape(), hidden.getDataType()));
        return new LatentTrace(pass.logits(), layout.columns(layout.labels(), 0, length, manager), latents, states, layout.tokens());
    }

    /** One pass over columns {@code [from, to)} of the layout, each row at its own positions, padding masked. */
    private static Forward pass(Backbone model, NDArray inputs, LatentLayout layout, int from, int to, KvCache cache, NDManager manager) {
        return model.forward(inputs, layout.columns(layout.positions(), from, to, manager),
                layout.columns(layout.real(), from, to, manager), cache, Taps.ALL);
    }

    private static NDArray concat(List<NDArray> arrays) {
        return arrays.size() == 1 ? arrays.get(0) : NDArrays.concat(new NDList(arrays), 1);
    }

    /**
     * The whole batch at once through one key/value cache: {@code <bos> question <bot>} (with the pause slots, for pause
     * thoughts) left-padded, one single-column pass per thought in which each row with a thought left feeds back its last
     * hidden state and the others feed masked padding, {@code <eot>} for every row, then greedy decoding of all rows
     * together. Each row gets what {@link #prefix} and greedy decoding give it alone.
     */
    @Override
    public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
        CoconutOptions options = CoconutOptions.of(stage.settings());
        int k = CoconutOptions.stage(stage);
        Vocabulary vocabulary = batch.vocabulary();
        int n = batch.size();
        boolean continuous = options.thought() == CoconutOptions.Thought.CONTINUOUS;
        int[] thoughts = new int[n];
        List<List<Integer>> prompts = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Example example = batch.examples().get(b);
            thoughts[b] = options.thought() == CoconutOptions.Thought.NONE ? 0 : options.thoughts(k, example.steps().size());
            List<Integer> ids = new ArrayList<>(LatentLayout.prompt(example, vocabulary));
            if (options.thought() == CoconutOptions.Thought.PAUSE) {
                ids.addAll(java.util.Collections.nCopies(thoughts[b], vocabulary.id(LatentLayout.LATENT)));
            }
            prompts.add(ids);
        }
        List<List<String>> generated;
        try (NDManager manager = batch.manager().newSubManager(); KvCache cache = model.newCache()) {
            LeftPaddedPrompts padded = LeftPaddedPrompts.of(prompts, vocabulary.id(Vocabulary.PAD));
            int[] next = padded.lengths();
            NDArray last = padded.forward(model, cache, Taps.HIDDEN, manager).hidden().get(new NDIndex(":, -1:, :"));   // [n, 1, d]
            int most = continuous ? java.util.Arrays.stream(thoughts).max().orElse(0) : 0;
            Shape one = new Shape(n, 1);
            for (int i = 0; i < most; i++) {
                int[] position = new int[n];
                int[] isReal = new int[n];
                for (int b = 0; b < n; b++) {
                    if (i < thoughts[b]) {
                        position[b] = next[b]++;
                        isReal[b] = 1;
                    }
                }
                // a row out of thoughts feeds masked padding; what comes out for it is never read, since <eot> follows
                last = model.forward(last, manager.create(position, one), manager.create(isReal, one), cache, Taps.HIDDEN).hidden();
            }
            int[] eot = new int[n];
            int[] position = new int[n];
            int[] real = new int[n];
            java.util.Arrays.fill(eot, vocabulary.id(LatentLayout.EOT));
            java.util.Arrays.fill(real, 1);
            for (int b = 0; b < n; b++) {
                position[b] = next[b]++;
            }
            NDArray hidden = model.forward(model.embed(manager.create(eot, one)), manager.create(position, one), manager.create(real, one),
                    cache, Taps.HIDDEN).hidden();
            generated = GreedyDecoder.decodeRows(model, hidden, next, cache, vocabulary, decoding.maxNewTokens(), manager);
        }
        List<Answer> answers = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            answers.add(TokenLayout.answer(generated.get(b), thoughts[b]));
        }
        return answers;
    }

    /** The prompt, exactly {@code latentSteps} thoughts (or pauses) and {@code <eot>}, whatever the stage trained. */
    @Override
    public NDArray prefix(Backbone model, CurriculumStage stage, Example example, Vocabulary vocabulary, int latentSteps,
                          KvCache cache, NDManager manager) {
        CoconutOptions options = CoconutOptions.of(stage.settings());
        if (options.thought() == CoconutOptions.Thought.NONE && latentSteps > 0) {
            throw new IllegalArgumentException("The coconut method trained without thoughts has no latent steps to run; ask for 0, not "
                    + latentSteps + ".");
        }
        if (latentSteps < 0) {
            throw new IllegalArgumentException("The number of latent steps to run before language must be at least 0, not "
                    + latentSteps + ".");
        }
        if (cache.length() != 0) {
            throw new IllegalArgumentException("The coconut method's prefix starts from an empty key/value cache, not one of "
                    + cache.length() + " positions.");
        }
        think(model, example, vocabulary, options, latentSteps, cache, manager);
        return model.forward(eot(model, vocabulary, manager), cache.length(), cache, Taps.HIDDEN).hidden();
    }

    /** Runs {@code <bos> question <bot>} and {@code thoughts} latent slots into the cache. */
    private static void think(Backbone model, Example example, Vocabulary vocabulary, CoconutOptions options, int thoughts,
                              KvCache cache, NDManager manager) {
        List<Integer> ids = new ArrayList<>(LatentLayout.prompt(example, vocabulary));
        boolean continuous = options.thought() == CoconutOptions.Thought.CONTINUOUS;
        if (!continuous) {
            // pauses are tokens like the prompt's; without thoughts there are no slots at all
            int slots = options.thought() == CoconutOptions.Thought.PAUSE ? thoughts : 0;
            ids.addAll(java.util.Collections.nCopies(slots, vocabulary.id(LatentLayout.LATENT)));
        }
        int[] prompt = ids.stream().mapToInt(Integer::intValue).toArray();
        NDArray embedded = model.embed(manager.create(prompt, new Shape(1, prompt.length)));
        NDArray thought = model.forward(embedded, 0, cache, Taps.HIDDEN).hidden().get(new NDIndex(":, -1:, :"));
        for (int i = 0; continuous && i < thoughts; i++) {
            thought = model.forward(thought, cache.length(), cache, Taps.HIDDEN).hidden();
        }
    }

    private static NDArray eot(Backbone model, Vocabulary vocabulary, NDManager manager) {
        return model.embed(manager.create(new int[] {vocabulary.id(LatentLayout.EOT)}, new Shape(1, 1)));
    }
}
