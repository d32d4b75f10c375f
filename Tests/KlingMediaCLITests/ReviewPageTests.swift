import Foundation
import TestSupport
import Testing

/// The batch's review page, opened in a real browser (Debian's chromium, headless): every image
/// loads, every video's metadata loads, nothing overflows a phone's width; the page has no script.
@Suite struct ReviewPageTests {
    typealias Sandbox = JobCommandTests.Sandbox

    @Test func aBatchsReviewPageLoadsWholeInABrowser() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.close() }
        let folder = sandbox.home.path
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: folder + "/scene one.mp4")
        try FileManager.default.copyItem(atPath: Fixtures.path("too_short.mp4"), toPath: folder + "/short.mp4")
        try """
            {"clip": "scene one.mp4", "prompt": "Based on @Video1, the <car> & the road", "output": "renders/take1.mp4"}
            {"clip": "short.mp4", "prompt": "Based on @Video1, too short"}
            """.write(toFile: folder + "/takes.jsonl", atomically: true, encoding: .utf8)
        let batch = try await sandbox.run(["batch", folder + "/takes.jsonl", "--json"])
        // The second line is refused (the model would reject its clip): the batch says so, and still writes the page.
        #expect(batch.status == 1, "\(batch.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(batch.standardOutput.utf8)) as? [String: Any])
        let page = try #require(report["review"] as? String)
        #expect(page == folder + "/review.html")
        #expect(FileManager.default.fileExists(atPath: folder + "/renders/take1.seams.png"))

        let seen = try await HeadlessBrowser.inspect(page)
        #expect(seen["cards"] as? Int == 2 && seen["scripts"] as? Int == 0)
        let images = try #require(seen["images"] as? [[String: Any]])
        // The seam sheet, the clip's last frame and the shot's first: all loaded.
        #expect(images.count == 3, "\(images)")
        for image in images { #expect((image["width"] as? Int ?? 0) > 0, "not loaded: \(image)") }
        let videos = try #require(seen["videos"] as? [[String: Any]])
        #expect(videos.count == 1 && (videos.first?["ready"] as? Int ?? 0) >= 1, "\(videos)")
        #expect(abs((videos.first?["duration"] as? Double ?? 0) - 10) < 0.2, "\(videos)")
        #expect(videos.first?["src"] as? String == "renders/take1.mp4")
        #expect(seen["overflow"] as? Bool == false, "the page is wider than a phone")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("the &lt;car&gt; &amp; the road") && !html.contains("http"))
        let screenshot = folder + "/review-screenshot.png"
        try await HeadlessBrowser.screenshot(page, to: screenshot)

        // `review` writes the same page again for past work, from the batch file or the folder.
        let again = try await sandbox.run(["review", folder + "/takes.jsonl", "--json"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("\"cards\" : 2"))
        let byFolder = try await sandbox.run(["review", folder + "/renders", "-o", folder + "/renders/review.html"])
        #expect(byFolder.status == 0, "\(byFolder.standardError)")
        let folderPage = try await HeadlessBrowser.inspect(folder + "/renders/review.html")
        #expect(folderPage["cards"] as? Int == 1)
        #expect((folderPage["videos"] as? [[String: Any]])?.first?["src"] as? String == "take1.mp4")
        for image in folderPage["images"] as? [[String: Any]] ?? [] { #expect((image["width"] as? Int ?? 0) > 0, "not loaded: \(image)") }
    }
}
