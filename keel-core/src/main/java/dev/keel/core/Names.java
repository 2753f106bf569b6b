package dev.keel.core;

import java.security.SecureRandom;
import java.util.List;

/** Friendly generated run names in the {@code adjective-noun-N} shape that W&B users know. */
public final class Names {
    private static final List<String> ADJECTIVES = List.of(
            "amber",
            "bold",
            "brisk",
            "calm",
            "clever",
            "crisp",
            "daring",
            "dusty",
            "eager",
            "fancy",
            "fierce",
            "gentle",
            "golden",
            "happy",
            "hidden",
            "icy",
            "jolly",
            "keen",
            "lively",
            "lucky",
            "mellow",
            "misty",
            "noble",
            "polished",
            "proud",
            "quiet",
            "rapid",
            "royal",
            "rustic",
            "silent",
            "silver",
            "sleek",
            "snowy",
            "solar",
            "spry",
            "steady",
            "stellar",
            "sunny",
            "swift",
            "tidy",
            "vivid",
            "warm",
            "wild",
            "wise",
            "witty",
            "young",
            "zesty",
            "azure",
            "cosmic",
            "frosty");
    private static final List<String> NOUNS = List.of(
            "anchor", "aurora", "badger", "breeze", "brook", "canyon", "cedar", "comet", "coral", "crane", "delta",
            "dune", "ember", "falcon", "fern", "fjord", "forest", "galaxy", "glacier", "harbor", "heron", "island",
            "lagoon", "lantern", "maple", "meadow", "meteor", "moon", "nebula", "orbit", "otter", "pebble", "pine",
            "planet", "prairie", "river", "sail", "sky", "sparrow", "spruce", "star", "storm", "summit", "sunset",
            "thunder", "tide", "valley", "wave", "willow", "wind");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Names() {}

    /**
     * A new name; {@code ordinal} is the run's number in its project (1 for the first run), so
     * names read in creation order like W&B's.
     */
    public static String friendly(long ordinal) {
        return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(RANDOM.nextInt(NOUNS.size())) + "-"
                + ordinal;
    }
}
