package dev.keel.internal.run;

import dev.keel.core.ValueLimits;

import java.util.ArrayList;
import java.util.List;

/**
 * Tags, notes and the run's name within the limits a server applies ({@link ValueLimits}): what is over them is
 * left out with a problem, so that the run goes on and a remote copy never stalls on a batch the
 * server must refuse.
 */
final class RunLimits {
    private RunLimits() {}

    /** The tags that are within the limits; a message for each one left out. */
    static List<String> tags(List<String> tags, List<String> problems) {
        List<String> kept = new ArrayList<>(tags.size());
        for (String t : tags) {
            if (t == null) {
                problems.add("a null tag was left out");
            } else if (t.length() > ValueLimits.MAX_KEY) {
                problems.add("tag \"" + ValueLimits.shown(t) + "\" (" + ValueLimits.count(t.length())
                        + " characters) is longer than the limit of " + ValueLimits.MAX_KEY
                        + "; the run goes on without it");
            } else {
                kept.add(t);
            }
        }
        return kept;
    }

    /** The notes, or null (with a message) when they are longer than the limit. */
    static String notes(String notes, List<String> problems) {
        if (notes != null && notes.length() > ValueLimits.MAX_TEXT) {
            problems.add("notes of " + ValueLimits.count(notes.length()) + " characters are longer than the limit of "
                    + ValueLimits.count(ValueLimits.MAX_TEXT) + "; the run goes on without them");
            return null;
        }
        return notes;
    }

    /** The name, or null (with a message) when it is longer than the limit. */
    static String name(String name, List<String> problems) {
        if (name != null && name.length() > ValueLimits.MAX_KEY) {
            problems.add("run name \"" + ValueLimits.shown(name) + "\" (" + ValueLimits.count(name.length())
                    + " characters) is longer than the limit of " + ValueLimits.MAX_KEY
                    + "; the run is named for you instead");
            return null;
        }
        return name;
    }
}
