"""The comparison bench/scenes.sh runs: makes the clips with ffmpeg, runs the three detectors, scores them."""
import json, re, subprocess, sys, time

ours, work = sys.argv[1], sys.argv[2]

SOURCES = [  # (lavfi source, seconds): distinct pictures, sizes and rates; life and the automaton seeded, so every run makes the same clips
    ("testsrc2=size=640x360:rate=30", 0),
    ("mandelbrot=size=800x600:rate=25:end_pts=200", 0),
    ("smptehdbars=size=1920x1080:rate=24", 0),
    ("life=size=480x480:rate=24:mold=10:ratio=0.5:seed=1:death_color=#C83232:life_color=#00ff00", 0),
    ("cellauto=size=640x480:rate=25:rule=110:seed=1", 0),
    ("rgbtestsrc=size=320x240:rate=15", 0),
    ("gradients=size=1280x720:rate=30:speed=0.02:c0=0x203060:c1=0xd09020", 0),
    ("testsrc=size=960x540:rate=24", 0),
    ("mandelbrot=size=640x480:rate=24:start_x=-0.75:start_y=0.1:start_scale=0.5", 0),
    ("pal100bars=size=720x576:rate=25", 0),
    ("gradients=size=640x640:rate=24:type=radial:speed=0.05", 0),
    ("yuvtestsrc=size=800x450:rate=30", 0),
]

def run(arguments, **kwargs):
    return subprocess.run(arguments, check=True, capture_output=True, text=True, **kwargs)

def make_edit(name, width, height, seconds):
    graphs, counts = [], []
    for index, (source, _) in enumerate(SOURCES):
        length = seconds[index % len(seconds)]
        graph = (f"{source},trim=duration={length},scale={width}:{height}:force_original_aspect_ratio=decrease,"
                 f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,fps=24,setsar=1,format=yuv420p")
        counted = run(["ffprobe", "-v", "error", "-f", "lavfi", "-i", graph, "-count_frames",
                       "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"]).stdout.strip()
        graphs.append(graph)
        counts.append(int(counted))
    labels = "".join(f"[s{i}]" for i in range(len(graphs)))
    complex_graph = ";".join(f"{g}[s{i}]" for i, g in enumerate(graphs)) + f";{labels}concat=n={len(graphs)}:v=1:a=0"
    path = f"{work}/{name}.mp4"
    run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-filter_complex", complex_graph, "-c:v", "libx264",
         "-preset", "veryfast" if width < 1920 else "medium", "-pix_fmt", "yuv420p", path])
    cuts = [sum(counts[:i]) for i in range(1, len(counts))]
    return path, cuts

def make_motion():
    path = f"{work}/motion.mp4"
    run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=3840x1080:rate=24:duration=6", "-vf",
         "crop=1280:720:x='1280+1250*sin(t*5)':y='180+150*sin(t*7)',drawbox=color=white:t=fill:enable='between(n,60,61)',"
         "drawbox=color=white@0.8:t=fill:enable='eq(n,100)',format=yuv420p", "-c:v", "libx264", "-preset", "veryfast", path])
    return path, []

def ours_cuts(path):
    report = json.loads(run([ours, "scenes", path, "--json"]).stdout)
    return [cut["frame"] for cut in report["cuts"]]

PYSCENEDETECT = """
import sys
from scenedetect import detect, ContentDetector
scenes = detect(sys.argv[1], ContentDetector())
print(" ".join(str(start.get_frames()) for start, _ in scenes[1:]))
"""

def pyscenedetect_cuts(path):
    return [int(x) for x in run([sys.executable, "-c", PYSCENEDETECT, path]).stdout.split()]

def scdet_cuts(path):
    text = run(["ffmpeg", "-hide_banner", "-nostdin", "-i", path, "-vf", "scdet", "-f", "null", "-"]).stderr
    return [round(float(t) * 24) for t in re.findall(r"lavfi\.scd\.time: ([0-9.]+)", text)]

def score(found, made):
    hits = [f for f in found if any(abs(f - m) <= 1 for m in made)]
    missed = [m for m in made if not any(abs(f - m) <= 1 for f in found)]
    extra = [f for f in found if f not in hits]
    return f"{len(made) - len(missed):2d}/{len(made):2d} found, {len(extra):2d} false" + (f" (at {extra[:6]})" if extra else "")

def best_times(functions, path, rounds=5):
    # Rounds in turn (each tool once per round), so that the machine's drift over the run
    # (a shared host's speed moves by tens of percent) falls on every tool alike; best of the rounds.
    best = {}
    for _ in range(rounds):
        for name, function in functions:
            started = time.monotonic()
            function(path)
            elapsed = time.monotonic() - started
            best[name] = min(best.get(name, elapsed), elapsed)
    return best

def decode_only(path):
    run(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-f", "null", "-"])

def decode_referenced(path):  # what no exact detector can skip: every frame another refers to
    run(["ffmpeg", "-v", "error", "-nostdin", "-skip_frame", "noref", "-i", path, "-f", "null", "-"])

def decode_anchors(path):  # I- and P-frames only (x264's P-frames refer to B-frames: these decode wrongly)
    run(["ffmpeg", "-v", "error", "-nostdin", "-skip_frame", "bidir", "-i", path, "-f", "null", "-"])

tools = [("kling-media", ours_cuts), ("PySceneDetect", pyscenedetect_cuts), ("ffmpeg scdet", scdet_cuts)]
clips = [("edit-720p", *make_edit("edit-720p", 1280, 720, [2, 1.5, 3, 2.5])), ("motion", *make_motion()),
         ("edit-1080p", *make_edit("edit-1080p", 1920, 1080, [5]))]
for name, path, made in clips:
    print(f"{name}: {len(made)} cuts made" + (f" at frames {made}" if made else ""))
    for tool, function in tools:
        print(f"  {tool:14s} {score(function(path), made)}")
name, path, _ = clips[-1]
floors = [("decoding only", decode_only), ("  referenced", decode_referenced), ("  I, P only", decode_anchors)]
times = best_times(tools + floors, path)
print(f"wall time on {name} (60 s, 1920×1080, best of 5 rounds taken in turn):")
for tool, seconds in times.items():
    print(f"  {tool:14s} {seconds:6.2f} s   ratio to PySceneDetect {seconds / times['PySceneDetect']:.2f}")
