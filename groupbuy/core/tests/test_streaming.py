import io

import pytest

from groupbuy.core.streaming import file_response, sent_as_read


class ClosingFile(io.BytesIO):
    reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)


async def _sent(response) -> list[bytes]:
    return [piece async for piece in response]


@pytest.mark.asyncio
async def test_a_file_is_sent_a_block_at_a_time_and_closed_with_the_response():
    # given a file of two and a half blocks (FileResponse's 4 kB)
    data = b"x" * 2 * 4096 + b"y" * 2048
    file = ClosingFile(data)
    response = file_response(file, content_type="audio/ogg")
    # when
    pieces = await _sent(response)
    response.close()
    # then the headers are the file's, and it was read as it was sent
    assert response["Content-Length"] == str(10 * 1024)
    assert response["Content-Type"] == "audio/ogg"
    assert response.is_async
    assert len(pieces) == 3 and b"".join(pieces) == data
    assert file.reads == 4  # three blocks and the empty read that ends it
    assert file.closed


@pytest.mark.asyncio
async def test_pieces_are_read_until_an_empty_one():
    lines = iter(["a,b\n", "c,d\n", "", "never read\n"])

    pieces = [piece async for piece in sent_as_read(lambda: next(lines))]

    assert pieces == ["a,b\n", "c,d\n"]
    assert next(lines) == "never read\n"
