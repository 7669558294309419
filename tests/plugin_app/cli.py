def main(argv: list[str]) -> int:
    print("plugin-hello says: " + " ".join(argv))
    return 3
