package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {

    @ParameterizedTest
    @CsvSource({
        "photo.jpg, image/jpeg",
        "PHOTO.JPEG, image/jpeg",
        "a/b/c.png, image/png",
        "img.heic, image/heic",
        "scan.TIF, image/tiff",
        "drawing.svg, image/svg+xml",
        "report.pdf, application/pdf",
        "notes.txt, text/plain",
        "server.log, text/plain",
        "data.csv, text/csv",
        "data.json, application/json",
        "index.html, text/html",
        "app.js, text/javascript",
        "clip.mp4, video/mp4",
        "clip.mov, video/quicktime",
        "song.mp3, audio/mpeg",
        "archive.tar.gz, application/gzip",
        "archive.7z, application/x-7z-compressed",
        "backup.zip, application/zip",
        "README, application/octet-stream",
        "trailing., application/octet-stream",
        ".hidden, application/octet-stream",
        "weird#name?.bin, application/octet-stream",
        "unknown.zzqq, application/octet-stream"
    })
    void guessesFromTheName(String name, String expected) {
        assertThat(ContentTypes.forName(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"sound.au, audio/basic", "letter.doc, application/msword", "clip.mpeg, video/mpeg"})
    void fallsBackToTheJdkTable(String name, String expected) {
        assertThat(ContentTypes.forName(name)).isEqualTo(expected);
    }
}
