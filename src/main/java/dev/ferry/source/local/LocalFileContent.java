package dev.ferry.source.local;

import dev.ferry.core.ItemContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A local file's content: each range is a stream of its own over the file, from the range's start to the file's
 * end, so a reader that must see the exact length (a single PUT) notices a file that grew, and parts are read in
 * parallel from channels of their own. Holds nothing open between reads.
 */
public record LocalFileContent(Path file) implements ItemContent {

    @Override
    public String name() {
        Path name = file.getFileName();
        return name == null ? "" : name.toString();
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        if (offset == 0) {
            return Files.newInputStream(file);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return Channels.newInputStream(channel);
    }

    @Override
    public long currentLength() throws IOException {
        return Files.size(file);
    }
}
