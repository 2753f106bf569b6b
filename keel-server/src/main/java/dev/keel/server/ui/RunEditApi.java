package dev.keel.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerContext;
import dev.keel.server.api.Views;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Editing what people annotate runs with in the table: notes and tags. Goes through
 * {@code Store.apply} with a {@link WriteBatch}, the store's one write path.
 */
final class RunEditApi {
    static final int MAX_NOTES = 20_000;
    static final int MAX_TAGS = 100;
    static final int MAX_TAG = 128;

    void register(Router router, ServerContext ctx) {
        router.patch(
                "/api/v1/runs/{id}",
                Access.runWrite("id"),
                "Edit a run's notes and tags: {\"notes\": \"…\", \"tags\": [\"…\"]}",
                request -> {
                    String id = request.param("id");
                    ctx.store().run(id).orElseThrow(() -> KeelException.notFound("run " + id + " does not exist"));
                    WriteBatch batch = parse(request);
                    ctx.store().apply(id, batch);
                    return Views.run(ctx.liveness().apply(ctx.store().run(id).orElseThrow()));
                });
    }

    static WriteBatch parse(Request request) {
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw KeelException.invalid("the body must be a JSON object such as {\"notes\": \"…\", \"tags\": [\"a\"]}");
        }
        WriteBatch batch = new WriteBatch();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("notes") && !f.equals("tags")) {
                throw KeelException.invalid("unknown field '" + f + "': only 'notes' and 'tags' can be edited here");
            }
        }
        JsonNode notes = body.get("notes");
        if (notes != null) {
            if (!notes.isTextual() && !notes.isNull()) {
                throw KeelException.invalid("field 'notes' must be a string");
            }
            String text = notes.isNull() ? "" : notes.asText();
            if (text.length() > MAX_NOTES) {
                throw KeelException.invalid(
                        "field 'notes' is " + text.length() + " characters; the limit is " + MAX_NOTES);
            }
            batch.notes = text;
        }
        JsonNode tags = body.get("tags");
        if (tags != null) {
            if (!tags.isArray()) {
                throw KeelException.invalid("field 'tags' must be an array of strings");
            }
            Set<String> out = new LinkedHashSet<>();
            for (JsonNode t : tags) {
                if (!t.isTextual()) {
                    throw KeelException.invalid("field 'tags' must hold only strings, got "
                            + t.getNodeType().name().toLowerCase());
                }
                String tag = t.asText().trim();
                if (tag.isEmpty() || tag.length() > MAX_TAG || tag.chars().anyMatch(Character::isISOControl)) {
                    throw KeelException.invalid("field 'tags': tag '" + tag + "' must be 1 to " + MAX_TAG
                            + " characters without control characters");
                }
                out.add(tag);
            }
            if (out.size() > MAX_TAGS) {
                throw KeelException.invalid("field 'tags' has " + out.size() + " tags; the limit is " + MAX_TAGS);
            }
            batch.tags = new ArrayList<>(out);
        }
        if (batch.notes == null && batch.tags == null) {
            throw KeelException.invalid("nothing to change: send 'notes' and/or 'tags'");
        }
        return batch;
    }
}
