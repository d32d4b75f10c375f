import Segmind
import Support
import Synchronization

/// The Segmind client's waits, said on standard error as they begin, so no wait is silent: what
/// is waited for, how long, and what to change. Budget waits come often in a batch, so a line is
/// printed for one at most every 10 s; the others show on the status line (on a terminal). A 429's
/// pause is said once: the other requests in flight with it get 429s naming the same reset, and
/// every request waiting for it would say it again.
/// Where standard error carries JSON lines (`--json` of the commands that report events), each
/// notice is one too (`NoticeJSON`), so that every line a script reads there parses.
final class NoticePrinter: Sendable {
    private let line: StatusLine
    private let lastBudgetLine = Mutex<ContinuousClock.Instant?>(nil)
    /// The end of the last 429 pause said.
    private let lastPauseSaid = Mutex<Date?>(nil)
    private let json: Bool
    /// Every budget wait gets its line (`--verbose`), not one in 10 s.
    let verbose: Bool

    init(line: StatusLine, json: Bool = false, verbose: Bool = false) {
        self.line = line
        self.json = json
        self.verbose = verbose
    }

    func print(_ notice: ClientNotice) {
        let text = Self.text(notice)
        if case .waitingForBudget = notice, !verbose {
            let due = lastBudgetLine.withLock { last in
                let now = ContinuousClock.now
                guard last.map({ $0.duration(to: now) >= .seconds(10) }) ?? true else { return false }
                last = now
                return true
            }
            guard due else { return line.show(text) }
        }
        if case .rateLimited(let until, _) = notice, !verbose {
            let saidAlready = lastPauseSaid.withLock { last in
                if let last, abs(last.timeIntervalSince(until)) < 1 { return true }
                last = until
                return false
            }
            guard !saidAlready else { return line.show(text) }
        }
        say(NoticeJSON.kind(of: notice), text, facts: NoticeJSON.fields(notice))
    }

    /// A notice of the command's own (not the client's): `kind` names it in JSON, `facts` go beside
    /// the sentence.
    func say(_ kind: String, _ text: String, facts: [String: JSONValue] = [:]) {
        line.finish()
        if json {
            var fields = facts
            fields["event"] = "notice"
            fields["notice"] = .string(kind)
            fields["message"] = .string(text)
            Terminal.printError(String(decoding: JSONValue.object(fields).encoded(), as: UTF8.self))
        } else {
            Terminal.printError("kling-media: " + text)
        }
    }

    /// "a minute", or the plan's minute of a simulator at a time scale.
    static func perMinute(window: Double) -> String {
        window == 60 ? "a minute" : "per \(Formatting.seconds(window)) (the simulator's minute)"
    }

    static func text(_ notice: ClientNotice) -> String {
        switch notice {
        case .waitingForBudget(let seconds, let rate):
            return "waiting \(Formatting.seconds(seconds.rounded(.up))) for the request budget "
                + "(\(rate) requests a minute for this key, as learned; SEGMIND_REQUESTS_PER_MINUTE sets where it starts)"
        case .budgetChanged(let from, let to, let reason, let window):
            let minute = perMinute(window: window)
            let why = switch reason {
            case .grew: "whole minutes were used without a 429"
            case .probing: "no 429 for a long while at the rate a 429 showed: one more is tried, in case the plan grew"
            case .throttled: "Segmind answered 429; it grows again while requests pass"
            case .stated: "the server's rate-limit headers say so"
            }
            return "request budget for this key: \(to) requests \(minute), was \(from) (\(why)); shared by every kling-media on this machine"
        case .rateLimited(let until, let seconds):
            return "Segmind answered 429 (rate limited): waiting until \(until.formatted(Date.ISO8601FormatStyle())) "
                + "(\(Formatting.seconds(seconds.rounded(.up)))); SEGMIND_REQUESTS_PER_MINUTE sets this machine's budget"
        case .retrying(let reason, let seconds, let attempt, let total):
            return "\(reason); trying again in \(Formatting.seconds(max(1, seconds.rounded()))) (\(attempt) of \(total)); Ctrl-C to stop"
        case .waitingForModel(let seconds):
            return "first poll in \(Formatting.clock(Int(seconds.rounded(.up)))): jobs like this one took about that long here, "
                + "and earlier polls would only spend the request budget; Ctrl-C leaves the job running"
        }
    }
}
