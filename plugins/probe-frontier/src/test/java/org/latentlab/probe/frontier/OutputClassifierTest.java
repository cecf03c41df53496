package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.latentlab.probe.frontier.OutputClass.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Vocabulary;

/** The six classes of the paper's Fig. 4 on written outputs, for the graph of {@link Problems#BRANCHED}. */
class OutputClassifierTest {

    private final ProsQaOntology graph = Problems.branched();
    private final int[] depths = graph.depths();
    private final List<String> answer = Vocabulary.words(Problems.BRANCHED.answer());

    private OutputClass classify(String written, int thoughts) {
        return OutputClassifier.classify(graph, depths, Vocabulary.words(written), answer, thoughts);
    }

    @Test
    void theRestOfAShortestPathIsACorrectPath() {
        assertEquals(CORRECT_PATH, classify("Every terpus is a brimpus. Every brimpus is a lempus. <answer> Tom is a lempus.", 1));
        assertEquals(CORRECT_PATH, classify("Every brimpus is a lempus. <answer> Tom is a lempus.", 2));
        // the whole path from the root, though one thought was run, is still the shortest path
        assertEquals(CORRECT_PATH, classify("Tom is a terpus. Every terpus is a brimpus. Every brimpus is a lempus. <answer> Tom is a lempus.", 1));
        // the path is judged, not the answer; and decoding may stop before <answer>
        assertEquals(CORRECT_PATH, classify("Every terpus is a brimpus. Every brimpus is a lempus. <answer> Tom is a scrompus.", 1));
        assertEquals(CORRECT_PATH, classify("Every terpus is a brimpus. Every brimpus is a lempus.", 1));
    }

    @Test
    void aValidPathToTheTargetThatIsNotShortestIsALongerPath() {
        assertEquals(LONGER_PATH, classify("Every gerpus is a fompus. Every fompus is a yerpus. Every yerpus is a lempus. <answer> Tom is a lempus.", 1));
        assertEquals(LONGER_PATH, classify("Every yerpus is a lempus. <answer> Tom is a lempus.", 3));
        assertEquals(LONGER_PATH, classify("Tom is a gerpus. Every gerpus is a fompus. Every fompus is a yerpus. Every yerpus is a lempus.", 2));
    }

    @Test
    void aMissingEdgeABreakOrTextThatStatesNoEdgeIsAHallucination() {
        assertEquals(HALLUCINATION, classify("Every terpus is a lempus. <answer> Tom is a lempus.", 1), "no such edge");
        assertEquals(HALLUCINATION, classify("Every brimpus is a terpus. <answer> Tom is a lempus.", 1), "edge backwards");
        assertEquals(HALLUCINATION, classify("Every terpus is a brimpus. Every fompus is a yerpus. Every yerpus is a lempus.", 1), "break");
        assertEquals(HALLUCINATION, classify("Every brimpus is a lempus. <answer> Tom is a lempus.", 1), "starts two steps out after one thought");
        assertEquals(HALLUCINATION, classify("Alex is a scrompus. Every scrompus is a rorpus.", 3), "starts where the root cannot reach");
        assertEquals(HALLUCINATION, classify("Every terpus is a wumpus. <answer> Tom is a lempus.", 1), "unknown name");
        assertEquals(HALLUCINATION, classify("Every terpus is a brimpus. Every brimpus is a", 1), "unfinished sentence");
        assertEquals(HALLUCINATION, classify("lempus lempus . <answer> Tom is a lempus.", 1), "no sentence");
        assertEquals(HALLUCINATION, classify("Every terpus is brimpus. <answer> Tom is a lempus.", 1), "not the form");
    }

    @Test
    void aValidPathToAnotherNodeIsAWrongTarget() {
        assertEquals(WRONG_TARGET, classify("Every gerpus is a rorpus. <answer> Tom is a rorpus.", 1));
        assertEquals(WRONG_TARGET, classify("Every terpus is a brimpus. <answer> Tom is a brimpus.", 1));
        assertEquals(WRONG_TARGET, classify("Tom is a gerpus. Every gerpus is a fompus.", 2));
    }

    @Test
    void anAnswerWithoutReasoningIsACorrectOrIncorrectLabel() {
        assertEquals(CORRECT_LABEL, classify("<answer> Tom is a lempus.", 1));
        assertEquals(CORRECT_LABEL, classify("<answer> Tom is a lempus.", 3));
        assertEquals(INCORRECT_LABEL, classify("<answer> Tom is a scrompus.", 1));
        assertEquals(INCORRECT_LABEL, classify("<answer> Tom is a lempus. Tom", 1), "more than the answer");
        assertEquals(INCORRECT_LABEL, classify("<answer>", 2));
        assertEquals(INCORRECT_LABEL, classify("", 2), "nothing written");
    }

    @Test
    void edgeSentencesAreReadWithMultiWordNames() {
        ProsQaOntology shallow = ProsQaOntology.of(Problems.SHALLOW.extras()).orElseThrow();
        List<int[]> edges = OutputClassifier.edges(shallow, Vocabulary.words("Ann is a dark wumpus. Every dark wumpus is a zumpus."));
        assertEquals(2, edges.size());
        assertEquals(List.of(0, 1), List.of(edges.get(0)[0], edges.get(0)[1]));
        assertEquals(List.of(1, 2), List.of(edges.get(1)[0], edges.get(1)[1]));
        assertEquals(CORRECT_PATH, OutputClassifier.classify(shallow, shallow.depths(),
                Vocabulary.words("Every dark wumpus is a zumpus. <answer> Ann is a zumpus."), Vocabulary.words(Problems.SHALLOW.answer()), 1));
    }
}
