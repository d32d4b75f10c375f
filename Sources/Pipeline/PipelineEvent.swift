/// What the pipeline tells the one running it, as it goes: the CLI prints steps as lines and shows
/// progress on a status line; a batch prefixes both with the line they belong to.
public enum PipelineEvent: Sendable, Equatable {
    /// A step begun or done: "shot 1 of 1: submitted, request id …". Worth a line of its own.
    case step(String)
    /// Live progress that the next one replaces: "shot 1 of 1: processing, 0:42 elapsed".
    case progress(String)
}

/// Where events go; called from any task.
public typealias PipelineEvents = @Sendable (PipelineEvent) -> Void
