LOADED: list[str] = []


def load_demo_data(*, stdout) -> None:
    if "hello" not in LOADED:
        LOADED.append("hello")
    stdout.write("plug-in demo data loaded")
