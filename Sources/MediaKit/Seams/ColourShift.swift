import Support

/// How far the overall colour moves between two pictures: each picture's mean colour in CIELAB
/// (sRGB, D65), and the CIE 1976 ΔE between the two means. About 1 is the smallest difference
/// people see side by side; a grade or lighting jump at a joint shows as 5 and more.
enum ColourShift {
    struct Lab: Equatable { let l: Double, a: Double, b: Double }

    static func deltaE(_ first: RGBPicture, _ second: RGBPicture) -> Double {
        let x = meanLab(first), y = meanLab(second)
        return ((x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b)).squareRoot()
    }

    /// The mean of the pixels' CIELAB values.
    static func meanLab(_ picture: RGBPicture) -> Lab {
        var sum = (0.0, 0.0, 0.0)
        let pixels = picture.width * picture.height
        for index in 0..<pixels {
            let lab = lab(red: picture.pixels[index * 3], green: picture.pixels[index * 3 + 1], blue: picture.pixels[index * 3 + 2])
            sum.0 += lab.l
            sum.1 += lab.a
            sum.2 += lab.b
        }
        let count = Double(max(1, pixels))
        return Lab(l: sum.0 / count, a: sum.1 / count, b: sum.2 / count)
    }

    private static let linear: [Double] = (0...255).map { value in
        let c = Double(value) / 255
        return c <= 0.040_45 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    static func lab(red: UInt8, green: UInt8, blue: UInt8) -> Lab {
        let r = linear[Int(red)], g = linear[Int(green)], b = linear[Int(blue)]
        // sRGB to XYZ (D65), relative to the white point.
        let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47
        let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175_0 * b
        let z = (0.019_333_9 * r + 0.119_192_0 * g + 0.950_304_1 * b) / 1.088_83
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        let fx = f(x), fy = f(y), fz = f(z)
        return Lab(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }
}
