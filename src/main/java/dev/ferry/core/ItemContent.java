package dev.ferry.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * The content of one item, read by range. An upload reads it more than once and in pieces: a single PUT reads it
 * whole (again for a retry), a multipart upload reads it once for its checksums and then each part on its own,
 * several parts at once; so content is opened per range rather than handed over as one stream. Opening costs
 * nothing until a range is asked for, and each range is a stream of its own that the reader closes, so one
 * instance is safe to share between the threads of one upload. A local file serves a range from its own file
 * channel; an object of another bucket would serve it with a ranged GET.
 *
 * <p>Readers check lengths, not the content: a stream may go on past the range (a local file that grew since
 * its version was taken does) and ends early when the item is shorter than the range. A reader that needs the
 * exact version fails the upload then, as one whose item changed while it was read.
 */
public interface ItemContent {

    /** A name for the content, from which its content type is guessed (a file's name, an object key's last part). */
    String name();

    /**
     * The bytes from {@code offset}, at least {@code length} of them while the item is that long.
     *
     * @throws IOException when the item cannot be read (gone, permission denied, an I/O error)
     */
    InputStream open(long offset, long length) throws IOException;

    /** The item's length now, to notice one that grew while it was read in parts. */
    long currentLength() throws IOException;
}
