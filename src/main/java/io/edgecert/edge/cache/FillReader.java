package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;

/**
 * A collapsed miss that reads another request's fill. Every call comes on the reader's own
 * executor (its channel's event loop), in order: either {@link #onReleased} alone, or
 * {@link #onHead}, then {@link #onChunk} calls, then {@link #onComplete} or {@link #onError}.
 */
public interface FillReader {
    /** The response to send is this fill's: chunks follow. */
    void onHead(StoredHead head);

    /** The next bytes of the body; the reader owns the buffer (writes it, or releases it). */
    void onChunk(ByteBuf chunk);

    /** The body is whole. */
    void onComplete();

    /** The fill failed after its head: cut the response (its bytes so far were sent). */
    void onError(Throwable cause);

    /** Nothing of the fill is for this reader, nothing was delivered: fetch from the origin yourself. */
    void onReleased(Release why);

    /** Why a collapsed miss fetches for itself. */
    enum Release {
        /** the filler's head did not come within the collapse timeout */
        TIMEOUT,
        /** the filler's response is not to be stored (no-store, too large, an error status…) */
        NOT_STORABLE,
        /** the filler's origin request failed before its head, or its fill aborted before this reader joined */
        FILLER_FAILED,
        /** the filler's head does not match this request (Vary) */
        NO_MATCH,
        /** the object was purged or evicted before this reader could take it */
        GONE
    }
}
