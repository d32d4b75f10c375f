import Foundation
import Segmind
import Support

/// The client's notices in JSON, beside the pipeline's events (`EventJSON`): `NoticePrinter`
/// prints `{"event": "notice", "notice": "rate_limited", "until": …, "seconds": 14, "message": "…"}`,
/// `message` the sentence the text output prints, the other keys its facts.
enum NoticeJSON {
    static func kind(of notice: ClientNotice) -> String {
        switch notice {
        case .waitingForBudget: "waiting_for_budget"
        case .budgetChanged: "budget_changed"
        case .rateLimited: "rate_limited"
        case .retrying: "retrying"
        case .waitingForModel: "waiting_for_model"
        }
    }

    static func fields(_ notice: ClientNotice) -> [String: JSONValue] {
        switch notice {
        case .waitingForBudget(let seconds, let rate):
            return ["seconds": .number(seconds.rounded(.up)), "requests_per_minute": .number(Double(rate))]
        case .budgetChanged(let from, let to, let reason, let window):
            let why = switch reason {
            case .grew: "grew"
            case .probing: "probing"
            case .throttled: "throttled"
            case .stated: "stated"
            }
            return ["from": .number(Double(from)), "to": .number(Double(to)), "reason": .string(why),
                    "window_seconds": .number(window)]
        case .rateLimited(let until, let seconds):
            return ["until": .string(until.formatted(Date.ISO8601FormatStyle())),
                    "seconds": .number(seconds.rounded(.up))]
        case .retrying(let reason, let seconds, let attempt, let total):
            return ["reason": .string(reason), "seconds": .number(max(1, seconds.rounded())),
                    "attempt": .number(Double(attempt)), "of": .number(Double(total))]
        case .waitingForModel(let seconds):
            return ["seconds": .number(seconds.rounded(.up))]
        }
    }
}
