import Segmind
import Support

/// `--verbose`'s first line: the request budget the command starts with, as learned for this key
/// on this machine, and where it is shared.
enum BudgetReport {
    static func say(_ client: SegmindClient) async {
        let ledger = await client.budget.ledger
        let minute = NoticePrinter.perMinute(window: ledger.window)
        var learned = ledger.limit == ledger.configured
            ? "as configured (SEGMIND_REQUESTS_PER_MINUTE or the config file; default 5)"
            : "learned here from \(ledger.configured) configured"
        if let ceiling = ledger.ceiling {
            learned += ledger.ceilingStated ? "; the server states \(Int(ceiling))" : "; a 429 showed \(Int(ceiling))"
        } else if let probed = ledger.probing {
            learned += "; trying one more than the \(Int(probed)) a 429 showed"
        }
        let shared = client.budget.sharedPath.map { "shared by every kling-media using the key through \($0)" }
            ?? "this process's own"
        Terminal.printError("kling-media: request budget for this key: \(ledger.limit) requests \(minute), \(learned); \(shared)")
    }
}
