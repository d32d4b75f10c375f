import Foundation
import MediaKit
import TestSupport
import Testing

/// The JSON of `probe --json` is a documented schema: names, types and round trip.
@Suite struct MediaInfoJSONTests {
    private func json(_ fixture: String) throws -> [String: Any] {
        let data = try JSONEncoder().encode(try Probe.file(atPath: Fixtures.path(fixture)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func formatUsesFFprobesNamesWithNumbersAsNumbers() throws {
        let format = try #require(try json("landscape.mp4")["format"] as? [String: Any])
        #expect(format["filename"] as? String == Fixtures.path("landscape.mp4"))
        #expect(format["format_name"] as? String == "mov,mp4,m4a,3gp,3g2,mj2")
        #expect(format["duration"] as? Double == 5.0)
        #expect(format["size"] as? Int == 59201)
        #expect(format["bit_rate"] as? Int == 94721)
        #expect(format["nb_streams"] as? Int == 2)
        #expect(format["truncated"] == nil)
    }

    @Test func videoStreamCarriesOurDisplayFacts() throws {
        let streams = try #require(try json("rotated.mp4")["streams"] as? [[String: Any]])
        let video = streams[0]
        #expect(video["codec_type"] as? String == "video")
        #expect(video["r_frame_rate"] as? String == "30/1")
        #expect(video["avg_frame_rate"] as? String == "30/1")
        #expect(video["sample_aspect_ratio"] as? String == "1:1")
        #expect(video["nb_frames"] as? Int == 120)
        // ffprobe's names keep ffprobe's meanings; ours are grouped under names it does not use.
        #expect(video["display_aspect_ratio"] as? String == "16:9")
        #expect(video["rotation"] == nil && video["display_width"] == nil && video["display_height"] == nil)
        let sideData = try #require((video["side_data_list"] as? [[String: Any]])?.first)
        #expect(sideData["side_data_type"] as? String == "Display Matrix")
        #expect(sideData["rotation"] as? Int == -90)
        let displayed = try #require(video["displayed"] as? [String: Any])
        #expect(displayed["width"] as? Int == 720)
        #expect(displayed["height"] as? Int == 1280)
        #expect(displayed["aspect_ratio"] as? String == "9:16")
        #expect(displayed["rotation_cw"] as? Int == 90)
        #expect(video["start_time"] as? Double == 0)
        #expect((video["disposition"] as? [String: Int])?["default"] == 1)
        #expect((video["tags"] as? [String: String])?["handler_name"] == "VideoHandler")
        #expect(video["variable_frame_rate"] as? Bool == false)
        #expect(video["bit_depth"] as? Int == 8)
        #expect(video["attached_pic"] as? Bool == false)
        let audio = streams[1]
        #expect(audio["sample_rate"] as? Int == 48000)
        #expect(audio["channels"] as? Int == 2)
        #expect(audio["channel_layout"] as? String == "stereo")
        #expect(audio["displayed"] == nil)
    }

    @Test func decodingWhatWasEncodedGivesTheSameFacts() throws {
        for fixture in ["rotated.mp4", "ref_ok.png", "vfr.mp4"] {
            let info = try Probe.file(atPath: Fixtures.path(fixture))
            let decoded = try JSONDecoder().decode(MediaInfo.self, from: JSONEncoder().encode(info))
            #expect(decoded == info)
        }
    }
}
