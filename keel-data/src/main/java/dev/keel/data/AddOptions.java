package dev.keel.data;

import dev.keel.core.data.Visibility;

/**
 * Optional settings of {@link Datasets#add}: {@code AddOptions.defaults().message("relabelled shirts")}.
 * Description and visibility, when given, update the dataset; null keeps what it has.
 */
public record AddOptions(String message, String description, Visibility visibility, String author) {

    public static AddOptions defaults() {
        return new AddOptions("", null, null, System.getProperty("user.name", ""));
    }

    public AddOptions message(String m) {
        return new AddOptions(m, description, visibility, author);
    }

    public AddOptions description(String d) {
        return new AddOptions(message, d, visibility, author);
    }

    public AddOptions visibility(Visibility v) {
        return new AddOptions(message, description, v, author);
    }

    public AddOptions author(String a) {
        return new AddOptions(message, description, visibility, a);
    }
}
