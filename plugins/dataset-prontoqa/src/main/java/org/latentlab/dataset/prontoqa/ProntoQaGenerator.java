package org.latentlab.dataset.prontoqa;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.latentlab.api.data.Example;

/**
 * Generates ProntoQA problems (Saparov and He, "Language Models Are Greedy Reasoners", 2023) of the kind the
 * Coconut paper trains on: its generator's modus ponens problems over a fictional ontology with relevant
 * distractors, the context in random order ({@code run_experiment.py --ontology fictional --ordering random
 * --min-hops 5 --max-hops 5}). ProntoQA draws ontologies and walks and throws away those of the wrong length;
 * this class draws the kept problems directly. With h hops:
 *
 * <ol>
 * <li>Concepts: 2h + 4 distinct names, drawn at random: a chain c<sub>0</sub> … c<sub>h</sub> from the entity's
 *     concept up to a root, a distractor parent d<sub>i</sub> of each c<sub>i</sub> below the root (so every hop
 *     has a rule leading away from the chain), a two-concept distractor ontology e → f the entity also belongs
 *     to, and the concept x of the contrasting rule.</li>
 * <li>Properties: c<sub>0</sub> … c<sub>h-1</sub>, every d<sub>i</sub> and e each get one property from a family
 *     of their own, so no two of them speak of the same property. ProntoQA weighs a family's properties 1 and
 *     their negations 0.5, so a distractor's property is denied with probability 1/3. On the chain the walk up
 *     from c<sub>0</sub> takes the parent with weight 1 against a property's 0.3 (a denied property's 0.7), and
 *     only walks that climb h - 1 times and then take c<sub>h-1</sub>'s property are kept: that conditions the
 *     denial to {@value #PASSED_NEGATED} (13/47) on c<sub>0</sub> … c<sub>h-2</sub> and {@value #QUERIED_NEGATED}
 *     (91/193) on c<sub>h-1</sub>.</li>
 * <li>Context: the 4h + 3 rules, c<sub>i</sub> → c<sub>i+1</sub>, c<sub>i</sub> → d<sub>i</sub>, e → f, the
 *     properties, and the contrasting rule that gives x the queried property with the other polarity
 *     ("Dumpuses are not floral."), shuffled, each in a random {@link ProntoQaText.Form}; then the two facts
 *     "Stella is a c<sub>0</sub>." and "Stella is a(n) e.", shuffled ("an" before a vowel, as ProntoQA writes it).</li>
 * <li>Query: the conclusion about c<sub>h-1</sub>'s property, negated half of the time, when the answer is
 *     False: "True or false: Stella is not floral."</li>
 * <li>Steps: ProntoQA's chain of thought (the fact, then each rule followed by what it concludes) in pairs of
 *     sentences, as Coconut's preprocessing joins them: "Stella is a zumpus. Zumpuses are gorpuses.", …,
 *     "Stella is a lorpus. Every lorpus is floral.", "Stella is floral." — h + 1 steps.</li>
 * </ol>
 *
 * Hops count deductions as ProntoQA does: h - 1 subsumptions and one property, so the steps name h concepts.
 * At 5 hops this is exactly the shape ProntoQA keeps: its 13 property families leave room for a chain of six
 * concepts besides the distractor ontology, so the entity's concept is the chain's leaf and the queried property
 * belongs to the root's child (23 rules and 2 facts, as in the Coconut paper's example). With fewer hops
 * ProntoQA may continue the chain above c<sub>h</sub> or below c<sub>0</sub> with concepts no deduction uses,
 * which this class leaves out. More than 5 hops ProntoQA cannot make with distractors (its property families
 * run out); this class makes 6 with ProntoQA's words and 7 or 8 with the few that {@link ProntoQaLexicon} adds.
 */
final class ProntoQaGenerator {

    /** Denial probability of a property off the chain (a distractor parent's, e's): ProntoQA's prior. */
    static final double DISTRACTOR_NEGATED = 1.0 / 3;
    /** Denial probability of the property of a chain concept the walk passes: (1/3 · 1/1.7) / (1/3 · 1/1.7 + 2/3 · 1/1.3). */
    static final double PASSED_NEGATED = 13.0 / 47;
    /** Denial probability of the queried property: (1/3 · 0.7/1.7) / (1/3 · 0.7/1.7 + 2/3 · 0.3/1.3). */
    static final double QUERIED_NEGATED = 91.0 / 193;

    private final int hops;
    private final Random random;
    private final List<String> concepts;
    private final List<List<String>> families;

    ProntoQaGenerator(ProntoQaOptions options, long seed) {
        this.hops = options.hops();
        this.random = new Random(seed);
        this.concepts = ProntoQaLexicon.concepts(conceptsNeeded(hops));
        this.families = ProntoQaLexicon.propertyFamilies(familiesNeeded(hops));
    }

    /** The chain's h + 1, a distractor parent for each of h, the distractor ontology's 2 and the contrasting rule's 1. */
    static int conceptsNeeded(int hops) {
        return 2 * hops + 4;
    }

    /** One family for each concept with a property: h on the chain, h distractor parents and e. */
    static int familiesNeeded(int hops) {
        return 2 * hops + 1;
    }

    /** The next problem of this generator's stream. */
    Example next(String id) {
        int h = hops;
        String entity = ProntoQaLexicon.ENTITIES.get(random.nextInt(ProntoQaLexicon.ENTITIES.size()));
        List<String> names = drawn(concepts, conceptsNeeded(h));
        List<List<String>> propertyFamilies = drawn(families, familiesNeeded(h));
        // names: c_0 … c_h, then d_0 … d_{h-1}, then e, f, x
        String e = names.get(2 * h + 1);
        String f = names.get(2 * h + 2);
        String x = names.get(2 * h + 3);

        List<String> context = new ArrayList<>(4 * h + 3);
        String[] climbs = new String[h];
        Rule queried = null;
        String queriedSentence = null;
        int family = 0;
        for (int i = 0; i < h; i++) {
            String concept = names.get(i);
            String distractor = names.get(h + 1 + i);
            climbs[i] = sentence(Rule.subsumption(concept, names.get(i + 1)));
            context.add(climbs[i]);
            context.add(sentence(Rule.subsumption(concept, distractor)));
            Rule own = property(concept, propertyFamilies.get(family++), i == h - 1 ? QUERIED_NEGATED : PASSED_NEGATED);
            String ownSentence = sentence(own);
            context.add(ownSentence);
            context.add(sentence(property(distractor, propertyFamilies.get(family++), DISTRACTOR_NEGATED)));
            if (i == h - 1) {
                queried = own;
                queriedSentence = ownSentence;
            }
        }
        context.add(sentence(Rule.subsumption(e, f)));
        context.add(sentence(property(e, propertyFamilies.get(family), DISTRACTOR_NEGATED)));
        context.add(sentence(Rule.property(x, queried.consequent(), !queried.negated())));
        shuffle(context);

        List<String> facts = new ArrayList<>(List.of(ProntoQaText.membership(entity, names.get(0)), ProntoQaText.membership(entity, e)));
        shuffle(facts);

        boolean flipped = random.nextBoolean();
        boolean queryNegated = queried.negated() != flipped;
        String question = String.join(" ", context) + " " + String.join(" ", facts) + " "
                + ProntoQaText.query(entity, queried.consequent(), queryNegated);

        List<String> steps = new ArrayList<>(h + 1);
        for (int i = 0; i < h; i++) {
            steps.add(ProntoQaText.membership(entity, names.get(i)) + " " + (i < h - 1 ? climbs[i] : queriedSentence));
        }
        steps.add(ProntoQaText.property(entity, queried.consequent(), queried.negated()));

        DeductionChain chain = new DeductionChain(entity, names.subList(0, h), queried.consequent(), queryNegated);
        return new Example(id, question, steps, flipped ? "False" : "True", chain.extras());
    }

    private String sentence(Rule rule) {
        return ProntoQaText.rule(rule, ProntoQaText.form(random));
    }

    /** A property of the family, uniform among its members, denied with the given probability. */
    private Rule property(String concept, List<String> family, double negated) {
        String property = family.get(random.nextInt(family.size()));
        return Rule.property(concept, property, random.nextDouble() < negated);
    }

    /** {@code count} distinct elements in random order: a partial Fisher–Yates shuffle of a copy. */
    private <T> List<T> drawn(List<T> pool, int count) {
        List<T> copy = new ArrayList<>(pool);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(copy.size() - i);
            copy.set(i, copy.set(j, copy.get(i)));
        }
        return List.copyOf(copy.subList(0, count));
    }

    /** Fisher–Yates, written out so that the order depends on nothing but the random stream. */
    private <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
