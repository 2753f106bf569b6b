package dev.keel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.data.DatasetNames;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.DatasetHost;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes of datasets, scoped to a dataset: which objects the server lacks
 * ({@code POST …/blobs/missing}), an upload of objects (a pack with its index, streamed and
 * verified object by object; {@code POST …/blobs}), a download of many objects as frames
 * ({@code POST …/blobs/fetch}) and of one object with HTTP Range ({@code GET …/blobs/{hash}}).
 * An object is served only when it belongs to the dataset: uploaded for it or held by one of
 * its versions. Resumable: each upload is recorded as it arrives, so a rerun skips it.
 */
public final class DatasetBlobsApi implements ApiModule {
    private static final Map<ServerContext, DatasetHost> SERVICES = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    @Override
    public void register(Router router, ServerContext ctx) {
        String base = DatasetsApi.BASE + "/{name}/blobs";
        router.post(
                base + "/missing",
                Access.datasetWrite("name"),
                "Of {hashes: [sha256:…]}, those the dataset lacks: {missing: […]}",
                request -> {
                    List<String> missing = service(ctx).missing(name(request), hashes(request));
                    return Map.of(
                            "missing", missing, "wants_pack_hash", service(ctx).wantsPackHash());
                });
        router.add(new Route(
                "POST",
                base,
                Access.datasetWrite("name"),
                request -> {
                    String name = name(request);
                    ensureDataset(ctx, request, name);
                    try (InputStream in = request.bodyStream()) {
                        DatasetHost.Received r = service(ctx)
                                .receive(
                                        name,
                                        in,
                                        request.header("X-Keel-Pack-Hash").orElse(null));
                        return Map.of("pack", r.pack(), "objects", r.objects(), "bytes", r.bytes());
                    } catch (IOException e) {
                        throw new KeelException(
                                KeelException.ErrorCode.BAD_REQUEST,
                                "the upload could not be read (" + e.getMessage()
                                        + "); nothing was recorded, send it again");
                    }
                },
                true,
                "Upload objects: 'keel-pack 1', count, '<hex> <length>' lines, then the bytes (streamed, verified);"
                        + " optional header X-Keel-Pack-Hash: the body's sha256 address"));
        router.post(
                base + "/fetch",
                Access.datasetRead("name"),
                "Download {hashes: […]} as frames '<hex> <length>\\n<bytes>', closed by 'end\\n'",
                request -> {
                    // located (and refused) before the 200 is sent; a known length spares chunked encoding
                    List<ObjectLocation> objects = service(ctx).locateInScope(name(request), hashes(request));
                    return Response.stream(
                            200,
                            "application/x-keel-frames",
                            DatasetHost.sendLength(objects),
                            out -> service(ctx).send(objects, out));
                });
        router.get(
                base + "/{hash}",
                Access.datasetRead("name"),
                "One object's bytes (HTTP Range supported)",
                request -> one(ctx, request));
    }

    private static Response one(ServerContext ctx, Request request) {
        String name = name(request);
        ObjectLocation loc =
                service(ctx).locateInScope(name, List.of(request.param("hash"))).get(0);
        byte[] data;
        try (InputStream in = ctx.blobs().openRange(loc.pack(), loc.offset(), loc.length())) {
            data = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (data.length != loc.length() || !Hashes.of(data).equals(loc.hash())) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    "object " + loc.hash() + " is damaged on the server; its admin should run 'keel data verify'");
        }
        String range = request.header("Range").orElse(null);
        if (range == null) {
            return Response.bytes(200, "application/octet-stream", data).header("Accept-Ranges", "bytes");
        }
        Matcher m = RANGE.matcher(range.trim());
        long size = data.length;
        long start;
        long end;
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw KeelException.invalid("header Range '" + range + "' is not 'bytes=START-[END]' or 'bytes=-SUFFIX'");
        }
        if (m.group(1).isEmpty()) {
            start = Math.max(0, size - Long.parseLong(m.group(2)));
            end = size - 1;
        } else {
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        }
        if (start >= size || end < start) {
            return Response.json(
                            416,
                            Map.of(
                                    "error_code",
                                    "INVALID_PARAMETER_VALUE",
                                    "message",
                                    "range " + range + " is outside the object's " + size + " bytes"))
                    .header("Content-Range", "bytes */" + size);
        }
        byte[] part = Arrays.copyOfRange(data, (int) start, (int) end + 1);
        return Response.bytes(206, "application/octet-stream", part)
                .header("Content-Range", "bytes " + start + "-" + end + "/" + size)
                .header("Accept-Ranges", "bytes");
    }

    /** The dataset exists before its first objects arrive, owned by the caller. */
    private static void ensureDataset(ServerContext ctx, Request request, String name) {
        if (DatasetsApi.store(ctx).dataset(name).isEmpty()) {
            DatasetsApi.store(ctx)
                    .saveDataset(name, DatasetsApi.owner(request.principal()), null, null, System.currentTimeMillis());
            ctx.authorizer().created(request.principal(), Resource.dataset(name));
        }
    }

    private static String name(Request request) {
        return DatasetNames.checkName(request.param("name"));
    }

    private static List<String> hashes(Request request) {
        JsonNode list = request.json().get("hashes");
        if (list == null || !list.isArray()) {
            throw KeelException.invalid("field 'hashes' is required: a list of sha256:<hex> addresses");
        }
        if (list.size() > DatasetHost.MAX_ADDRESSES) {
            throw KeelException.invalid("field 'hashes' holds " + list.size() + " entries; at most "
                    + DatasetHost.MAX_ADDRESSES + " per request");
        }
        List<String> out = new ArrayList<>(list.size());
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw KeelException.invalid("field 'hashes' must hold strings (sha256:<hex>)");
            }
            out.add(n.asText());
        }
        return out;
    }

    /** The transfer service of this server (one per server, over its dataset and blob stores). */
    static DatasetHost service(ServerContext ctx) {
        DatasetsApi.store(ctx);
        return SERVICES.computeIfAbsent(ctx, c -> new DatasetHost(c.datasets(), c.blobs()));
    }
}
