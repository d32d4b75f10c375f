import Journal
import Segmind
import Support
import Synchronization

/// When to poll a job first: after the time jobs like it (same host, same duration) took on this
/// machine, read from the journal, so a poll that could only say PROCESSING is not spent. Until
/// there is history (three jobs), Segmind's own figure for the model on its hosts (about 224 s,
/// its model page), and no wait on other hosts (a simulator, a proxy): nothing is known of them.
///
/// A job is seen done at a poll, not when it finished. Found done at its first poll, what counts is
/// when that poll was due, not when its answer came: one that waited for the request budget and
/// found the job done says nothing of whether it was done when due (counting the answer, a busy
/// batch's jobs seemed to take longer and longer, and so every first poll came later). When an
/// earlier poll found the job still running, it finished between that one's answer and the answer
/// of the one that found it done: the middle of that span is its time (timed by the later poll
/// alone, the first jobs, polled up to 15 s apart before there was history, set every later first
/// poll that late for good; timed by when the later poll was due, a job whose poll waited for the
/// budget past its end seemed shorter than it was: a batch's first jobs, polled while the budget was
/// full, taught 210 s for jobs of 224, and every first poll then missed).
///
/// The third quartile of the times is taken: most jobs are done by then. A job done at its first
/// poll adds the wait it was given, so the time cannot creep upwards; only polls that find jobs
/// still running raise it. Nor does it drift down: making it do so on purpose was tried, and it
/// makes first polls miss, a poll more each, which is the cost this avoids.
enum TypicalProcessing {
    /// Segmind's page for Kling O1 video-to-video reference: about 224 s.
    static let documentedSeconds = 224.0
    static let fewestSamples = 3
    /// The newest this many jobs count: what the service does now.
    static let newest = 50
    /// A job's time counts only when its wait began this soon after its submission.
    static let watchedWithin: TimeInterval = 30

    /// Journals read once per process (a batch asks for every line).
    private static let cache = Mutex<[String: [String: [Double]]]>([:])

    /// Seconds to wait before the first poll of `job`, less what has passed since its submission.
    static func firstPoll(for job: JobRecord, in journal: JobJournal, now: Date = Date()) -> Double {
        guard let typical = typicalSeconds(for: job, in: journal) else { return 0 }
        return max(0, typical - now.timeIntervalSince(acceptance(of: job)))
    }

    /// When this process's submissions were taken, to the instant. The journal keeps times to the
    /// second: up to a second early for a first poll timed from it, which a simulator's time scale
    /// makes a twentieth of a job (and a wasted request in six or so).
    private static let accepted = Mutex<[String: Date]>([:])

    /// `job`'s submission was taken at `date`.
    static func noteAccepted(_ job: JobRecord, at date: Date) {
        accepted.withLock { $0[job.localID] = date }
    }

    /// `job` is over (done, failed, gone): its instant is not needed again (a batch of thousands
    /// of lines would otherwise keep them all).
    static func forget(_ job: JobRecord) {
        _ = accepted.withLock { $0.removeValue(forKey: job.localID) }
    }

    /// When `job` was taken: to the instant if this process submitted it, else as the journal has it.
    static func acceptance(of job: JobRecord) -> Date {
        accepted.withLock { $0[job.localID] } ?? job.submittedAt
    }

    static func typicalSeconds(for job: JobRecord, in journal: JobJournal) -> Double? {
        let host = URLParts(job.apiBase)?.host ?? ""
        let key = key(for: job)
        let samples = cache.withLock { $0[journal.directory]?[key] } ?? load(journal)[key] ?? []
        if samples.count >= fewestSamples {
            let sorted = samples.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * 0.75).rounded()))]
        }
        return host == "segmind.com" || host.hasSuffix(".segmind.com") ? documentedSeconds : nil
    }

    /// A job just finished: its time counts from now on in this process too (a batch's later
    /// lines learn from its first ones, not only from the journal as it stood at the start).
    static func learn(_ job: JobRecord, in journal: JobJournal) {
        guard let seconds = sample(job) else { return }
        let key = key(for: job)
        if cache.withLock({ $0[journal.directory] }) == nil { _ = load(journal) }
        cache.withLock { journals in
            var samples = journals[journal.directory]?[key] ?? []
            samples.insert(seconds, at: 0)
            journals[journal.directory, default: [:]][key] = Array(samples.prefix(newest))
        }
    }

    /// How long the job took, as far as its record tells.
    private static func sample(_ job: JobRecord) -> Double? {
        if let seconds = job.processingSeconds { return seconds }
        guard let done = job.completedAt else { return nil }
        return finished(seenRunning: job.runningUntil, seenDone: done).timeIntervalSince(job.submittedAt)
    }

    /// How long a job just seen done took (its record's `processingSeconds`): to the instant if this
    /// process submitted it.
    static func sample(_ job: JobRecord, runningUntil: Date?, doneBy: Date) -> Double? {
        accepted.withLock { $0[job.localID] }.map { finished(seenRunning: runningUntil, seenDone: doneBy).timeIntervalSince($0) }
            ?? sample(job)
    }

    /// When a job finished, as well as its polls tell: the middle of the span between the last poll
    /// that found it running and the one that found it done, or that one's time.
    private static func finished(seenRunning: Date?, seenDone: Date) -> Date {
        guard let seenRunning, seenRunning < seenDone else { return seenDone }
        return seenRunning.addingTimeInterval(seenDone.timeIntervalSince(seenRunning) / 2)
    }

    private static func key(for job: JobRecord) -> String {
        "\(URLParts(job.apiBase)?.host ?? "") \(job.parameters.duration)"
    }

    private static func load(_ journal: JobJournal) -> [String: [Double]] {
        let records = (try? journal.all()) ?? []
        var samples: [String: [(Date, Double)]] = [:]
        for record in records {
            guard let seconds = sample(record) else { continue }
            samples[key(for: record), default: []].append((record.submittedAt, seconds))
        }
        let recent = samples.mapValues { list in list.sorted { $0.0 > $1.0 }.prefix(newest).map(\.1) }
        cache.withLock { $0[journal.directory] = recent }
        return recent
    }
}
