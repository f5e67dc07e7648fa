package io.edgecert.cli;

import picocli.CommandLine.Option;

import java.util.List;

/** The --tags option of every command that creates something taggable. */
final class TagsOption {
    @Option(names = "--tags", arity = "1..*", paramLabel = "Key=K,Value=V", converter = TagArgument.Converter.class,
            description = "Tags, each Key=k,Value=v (or k=v), space separated.")
    List<TagArgument> tags = List.of();

    boolean given() {
        return !tags.isEmpty();
    }
}
