"""Suggested links, as a researcher meets them: the demo's screenshots recognised as its
posts, posts citing its articles, two outlets telling the same story — and the same on
small archives built here, with accept (a real, undoable link), dismiss (for good) and
re-imports that add nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from tests.conftest import HAS_TESSERACT, run_import
from tests.makefiles import html_article, text_file
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store
from xarchive.core.suggest import Suggestion, SuggestionNotFound, Suggestions, textsim, urls


@pytest.fixture
def demo_copy(demo_archive_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.xarchive"
    shutil.copytree(demo_archive_path, target, ignore=shutil.ignore_patterns("archive.lock"))
    return target


def item_named(archive: Archive, start: str) -> int:
    """The item whose title (or, for a post, text) starts with `start`."""
    found = []
    for item in item_store.items(archive.db):
        text = item.title
        if item.kind == "post":
            text = post_store.get_post(archive.db, item.id).text
        if text.startswith(start) or item.original_name.startswith(start):
            found.append(item.id)
    assert len(found) == 1, (start, found)
    return found[0]


def between(suggestions: list[Suggestion], a: int, b: int) -> list[Suggestion]:
    return [s for s in suggestions if {s.source_id, s.target_id} == {a, b}]


# -- the demo archive --------------------------------------------------------------------------


def test_demo_screenshots_are_recognised_as_the_posts_they_show(demo: Archive) -> None:
    pending = Suggestions(demo).pending()
    shows = [s for s in pending if s.relation == "shows"]
    screenshots = [
        i for i in item_store.items(demo.db)
        if i.kind == "image" and i.original_path.split("/")[-2:-1] == ["screenshots"]
    ]  # fmt: skip
    assert len(screenshots) == 6
    for shot in screenshots:
        (suggestion,) = [s for s in shows if s.source_id == shot.id]
        post = post_store.get_post(demo.db, suggestion.target_id)
        # the file is named after the account it shows
        assert post.account in shot.original_name
        assert 0.9 <= suggestion.score <= 1.0
        assert f"@{post.account}" in suggestion.reason
    reporter = item_named(demo, "2024-02-17_demo_reporter_x_unreachable")
    (first,) = [s for s in shows if s.source_id == reporter]
    assert post_store.get_post(demo.db, first.target_id).text.startswith("Since early this evening")
    # a picture attached to a post (a photo of the ministry's reply) is no screenshot of it
    attached = {m.item_id for p in post_store.posts(demo.db, [s.target_id for s in shows])
                for m in p.media}  # fmt: skip
    assert not {s.source_id for s in shows} & attached


def test_demo_posts_cite_the_articles_they_link_to(demo: Archive) -> None:
    pending = Suggestions(demo).pending()
    cites = [s for s in pending if s.relation == "cites"]
    articles = {i.id: i for i in item_store.items(demo.db) if i.kind == "article"}
    # each of the six saved pages is linked to; the page captured in the WACZ, by no post
    captured = {i for i, a in articles.items() if "warc_record" in a.extra}
    assert len(captured) == 1 and len(articles) == 7
    assert {s.target_id for s in cites} == set(articles) - captured
    for s in cites:
        post = post_store.get_post(demo.db, s.source_id)
        article = articles[s.target_id]
        assert any(urls.normalise_url(e) == urls.normalise_url(article.source_url)
                   for _, e in post.links)  # fmt: skip
        assert s.score == pytest.approx(0.95)
        assert "links to" in s.reason


def test_two_outlets_on_the_same_story_are_the_same_event(demo: Archive) -> None:
    pending = Suggestions(demo).pending()
    ledger = item_named(demo, "Interior Ministry confirms X ban")
    chronicle = item_named(demo, "Ministry admits blocking X")
    (same,) = between(pending, ledger, chronicle)
    assert same.relation == "same-event"
    assert 0.3 < same.score < 0.8
    assert same.source_id == chronicle  # the later one, pointing at the earlier
    assert "same story" in same.reason
    # unrelated items are left alone: the court filings, the Urdu and the English reports
    # of the outage, a post and the retweet that repeats it (linked already)
    petition = item_named(demo, "Writ petition")
    reply = item_named(demo, "Ministry of Interior — report")
    assert not between(pending, petition, reply)
    assert not between(pending, item_named(demo, "X goes dark"), item_named(demo, "ملک بھر"))
    original = item_named(demo, "Day 4 of the X outage")
    retweet = item_named(demo, "RT @lahore_data_desk: Day 4")
    assert not between(pending, original, retweet)
    for s in pending:
        assert s.source_id != s.target_id
        assert 0 <= s.score <= 1 and s.reason


def test_accept_makes_an_audited_link_that_undo_takes_back(demo_copy: Path) -> None:
    with Archive.open(demo_copy) as archive:
        notes = Annotations(archive)
        suggestions = Suggestions(archive, notes)
        shot = item_named(archive, "2024-02-17_demo_reporter_x_unreachable")
        (suggestion,) = [s for s in suggestions.pending(shot) if s.relation == "shows"]
        link = suggestions.accept(suggestion.id)
        assert (link.source_id, link.relation, link.target_id) == (
            shot,
            "shows",
            suggestion.target_id,
        )
        assert link in notes.of_item(shot).links
        assert suggestions.get(suggestion.id).status == "accepted"
        assert suggestion.id not in [s.id for s in suggestions.pending(shot)]
        actions = [r[0] for r in archive.db.execute(
            "SELECT action FROM audit_log WHERE action NOT LIKE 'custody.%'")]  # fmt: skip
        assert "link.add" in actions and "suggestion.accept" in actions

        notes.undo()
        assert not notes.of_item(shot).links
        again = suggestions.get(suggestion.id)
        assert again.status == "pending"  # the decision was taken back, the evidence stays
        assert suggestion.id in [s.id for s in suggestions.pending(shot)]


def test_a_dismissed_suggestion_stays_dismissed(demo_copy: Path) -> None:
    with Archive.open(demo_copy) as archive:
        suggestions = Suggestions(archive)
        ledger = item_named(archive, "Interior Ministry confirms X ban")
        (same,) = [s for s in suggestions.pending(ledger) if s.relation == "same-event"]
        before = len(suggestions.pending())
        suggestions.dismiss(same.id)
        assert len(suggestions.pending()) == before - 1
    with Archive.open(demo_copy) as archive:
        suggestions = Suggestions(archive)
        assert suggestions.get(same.id).status == "dismissed"
        report = suggestions.recompute()
        assert report.scanned == item_store.count_items(archive.db)
        assert same.id not in [s.id for s in suggestions.pending()]
        assert len(suggestions.pending()) == before - 1
        with pytest.raises(SuggestionNotFound):
            suggestions.dismiss(99999)


def test_importing_the_demo_again_adds_no_suggestion(demo_copy: Path, samples: Path) -> None:
    with Archive.open(demo_copy) as archive:
        before = [(s.source_id, s.target_id, s.relation) for s in Suggestions(archive).all()]
        run_import(archive, samples)
        after = [(s.source_id, s.target_id, s.relation) for s in Suggestions(archive).all()]
        assert sorted(after) == sorted(before)
        assert len(before) >= 13


def test_a_link_made_by_hand_suppresses_the_suggestion(demo_copy: Path) -> None:
    with Archive.open(demo_copy) as archive:
        suggestions = Suggestions(archive)
        ledger = item_named(archive, "Interior Ministry confirms X ban")
        chronicle = item_named(archive, "Ministry admits blocking X")
        from xarchive.core.store import suggestions as suggestion_store

        before = suggestion_store.count_pending(archive.db)
        assert before == len(suggestions.pending()) and between(suggestions.pending(), ledger,
                                                                chronicle)  # fmt: skip
        Annotations(archive).link(ledger, "contradicts", chronicle)
        assert not between(suggestions.pending(), ledger, chronicle)
        # counted (by SQLite, as an import counts them) as they are listed
        assert suggestion_store.count_pending(archive.db) == len(suggestions.pending()) < before
        suggestions.recompute()
        assert not between(suggestions.pending(), ledger, chronicle)
        assert suggestion_store.count_pending(archive.db) == len(suggestions.pending())


# -- small archives made here ----------------------------------------------------------------

STORY = (
    "The interior ministry told the high court on Wednesday that the platform was blocked "
    "on its orders because it ignored lawful directives, and that intelligence agencies had "
    "warned of hostile elements using it to spread unrest before the vote."
)
OTHER_STORY = (
    "Farmers in the south say the late monsoon has cut the cotton harvest by a third, and "
    "prices in the wholesale markets of Multan rose for the fifth week running."
)


def flat_post(post_id: str, text: str, account: str = "test_reporter", **more: Any) -> str:
    record: dict[str, Any] = {
        "id": post_id, "text": text, "author_id": "42", "created_at": "2024-04-18T10:00:00.000Z",
        "lang": "en", "author": {"id": "42", "username": account, "name": "Test Reporter"},
    }  # fmt: skip
    record.update(more)
    return json.dumps(record)


def test_a_post_cites_an_article_and_a_note_cites_a_post(archive: Archive, tmp_path: Path) -> None:
    html_article(tmp_path / "in" / "ministry-story.html", "Ministry admits the block", STORY)
    lines = [
        flat_post("1001", "The ministry's admission, in full: https://t.co/abc",
                  entities={"urls": [{"url": "https://t.co/abc", "expanded_url":
                  "http://www.test-outlet.example/ministry-story/?utm_source=twitter#top"}]}),
        flat_post("1002", "Unrelated: the weather in Lahore is lovely today, blue skies all day."),
    ]  # fmt: skip
    text_file(tmp_path / "in" / "posts.jsonl", "\n".join(lines) + "\n")
    note_text = "Key evidence so far: twitter.com/test_reporter/status/1001 (the admission)."
    text_file(tmp_path / "in" / "note.txt", note_text)
    report = run_import(archive, tmp_path / "in")
    assert not report.failed
    suggestions = Suggestions(archive)
    pending = suggestions.pending()
    article = item_named(archive, "ministry-story")
    post = item_named(archive, "The ministry's admission")
    note = item_named(archive, "note.txt")
    unrelated = item_named(archive, "Unrelated: the weather")
    cites = sorted((s.source_id, s.relation, s.target_id) for s in pending if s.detector == "cites")
    assert cites == sorted([(post, "cites", article), (note, "cites", post)])
    assert all(unrelated not in (s.source_id, s.target_id) for s in pending)


def test_an_article_that_embeds_a_post_cites_it(archive: Archive, tmp_path: Path) -> None:
    text_file(tmp_path / "in" / "posts.jsonl", flat_post("2001", "Sindh High Court orders "
              "the ministry to withdraw its letter within a week.") + "\n")  # fmt: skip
    page = html_article(tmp_path / "in" / "court.html", "Court orders letter withdrawn", STORY)
    page.write_text(page.read_text().replace(
        "</article>", '<blockquote class="twitter-tweet"><a href="https://twitter.com/'
        'test_reporter/status/2001?ref_src=twsrc%5Etfw">April 18, 2024</a></blockquote></article>'
    ))  # fmt: skip
    run_import(archive, tmp_path / "in")
    article = item_named(archive, "court")
    post = item_named(archive, "Sindh High Court orders")
    (cite,) = [s for s in Suggestions(archive).pending() if s.detector == "cites"]
    assert (cite.source_id, cite.relation, cite.target_id) == (article, "cites", post)
    assert "x.com/status/2001" in cite.reason


def test_near_duplicates_and_the_same_event_between_outlets(
    archive: Archive, tmp_path: Path
) -> None:
    html_article(tmp_path / "a" / "ledger.html", "Ministry admits block", STORY)
    html_article(tmp_path / "a" / "weather.html", "Cotton harvest cut", OTHER_STORY)
    # the same agency copy run by a second outlet, one word changed
    edited = STORY.replace("unrest", "chaos")
    html_article(tmp_path / "b" / "chronicle.html", "Ministry admits block", edited)
    # a note that retells it in part
    text_file(tmp_path / "c" / "note.txt", "From the hearing: " + STORY[:120] + " More later.")
    run_import(archive, tmp_path / "a")
    run_import(archive, tmp_path / "b")  # the new item is compared with what was there
    run_import(archive, tmp_path / "c")
    pending = Suggestions(archive).pending()
    ledger, chronicle = item_named(archive, "ledger"), item_named(archive, "chronicle")
    weather, note = item_named(archive, "weather"), item_named(archive, "note.txt")
    (pair,) = between(pending, ledger, chronicle)
    assert pair.relation == "duplicate-of" and pair.score >= 0.8
    (retold,) = between(pending, note, ledger)
    assert retold.relation == "same-event" and 0.2 <= retold.score < 0.8
    assert all(weather not in (s.source_id, s.target_id) for s in pending)
    # importing the same files again changes nothing
    count = len(Suggestions(archive).all())
    run_import(archive, tmp_path / "a", tmp_path / "b", tmp_path / "c")
    assert len(Suggestions(archive).all()) == count


def test_an_existing_link_stops_a_suggestion_being_made(archive: Archive, tmp_path: Path) -> None:
    html_article(tmp_path / "a" / "ledger.html", "Ministry admits block", STORY)
    run_import(archive, tmp_path / "a")
    text_file(tmp_path / "b" / "note.txt", STORY)
    run_import(archive, tmp_path / "b")
    ledger, note = item_named(archive, "ledger"), item_named(archive, "note.txt")
    suggestions = Suggestions(archive)
    (s,) = suggestions.pending()
    assert {s.source_id, s.target_id} == {ledger, note}
    Annotations(archive).link(note, "cites", ledger)
    suggestions.recompute()
    assert suggestions.pending() == []
    assert suggestions.all() == []  # not stored at all, not merely hidden


def screenshot(path: Path, lines: list[str]) -> Path:
    image = Image.new("RGB", (1400, 80 + 56 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((30, 40 + 56 * number), line, fill="black", font_size=36)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return path


@pytest.mark.ocr
@pytest.mark.skipif(not HAS_TESSERACT, reason="needs tesseract")
def test_a_screenshot_with_a_misread_handle_is_still_recognised(
    archive: Archive, tmp_path: Path
) -> None:
    text = "Courts in Karachi and Islamabad heard the petitions against the block today."
    lines = [flat_post("3001", text), flat_post("3002", "Another post of mine about cricket "
             "scores and the weather in the north, nothing to do with courts.")]  # fmt: skip
    text_file(tmp_path / "p" / "posts.jsonl", "\n".join(lines) + "\n")
    run_import(archive, tmp_path / "p")
    # the handle drawn with a c for an e, as OCR often reads it
    screenshot(tmp_path / "s" / "shot.png", ["Test Reporter", "@test_reportcr",
               "Courts in Karachi and Islamabad heard the", "petitions against the block today.",
               "10:02 AM - Apr 18, 2024 - 1.2K Views"])  # fmt: skip
    run_import(archive, tmp_path / "s")
    shot, post = item_named(archive, "shot"), item_named(archive, "Courts in Karachi")
    (shows,) = [s for s in Suggestions(archive).pending() if s.relation == "shows"]
    assert (shows.source_id, shows.target_id) == (shot, post)
    assert shows.score >= 0.85
    assert "read as" in shows.reason


def test_ocr_noise_is_tolerated_but_other_text_is_not() -> None:
    post = "For the first time the Interior Ministry admits that X was blocked on its orders."
    ocr = ("Demo Reporter eee\n@dem0_reporter\nFor the frst time the lnterior Ministry admits "
           "that X was blockcd on its\norders.\n6:48 PM - Apr 17, 2024")  # fmt: skip
    assert textsim.containment(post, ocr) > 0.9
    assert textsim.containment("Cotton prices rose again in Multan this week.", ocr) < 0.5
    assert textsim.handle_similarity("dem0_reporter", "demo_reporter") > 0.9
    assert textsim.handle_similarity("demo_reporter", "lahore_data_desk") == 0.0
    assert textsim.handle_similarity("ab", "ac") == 0.0  # short handles must be exact
    assert "dem0_reporter" in textsim.handles_in(ocr)


def test_addresses_are_compared_without_what_does_not_choose_the_page() -> None:
    same = [
        "https://www.indusledger.example/pakistan/story/",
        "http://indusledger.example/pakistan/story?utm_source=x&utm_medium=social",
        "https://indusledger.example/pakistan/story#comments",
        "https://m.indusledger.example/pakistan/story/?fbclid=abc",
    ]
    assert len({urls.normalise_url(u) for u in same}) == 1
    assert urls.normalise_url("https://a.example/p?id=2") != urls.normalise_url(
        "https://a.example/p?id=3"
    )
    assert urls.normalise_url("https://twitter.com/Someone/status/12?s=20") == (
        urls.normalise_url("https://x.com/i/web/status/12")
    )
    assert urls.normalise_url("mailto:desk@example.org") == ""


_ADDRESS_PARTS = [
    "https://", "http://", "www.", "mobile.", "x.com", "twitter.com", "indusledger.example",
    "/", "status", "statuses", "/i/web", "#!/", "Someone", "123456789", "?s=20", "&amp;",
    "&#115;tatus", "&#x73;", "&#X73;", "&sol;", "&colon;", "%73tatus", "STATUS", "href=\"",
    "src='", "\"", "'", " ", "\n", "<a ", ">", "</a>", "content=", "utm_source=x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ADDRESS_PARTS), max_size=40))
def test_a_pages_posts_are_found_as_among_all_its_addresses(parts: list[str]) -> None:
    """post_urls_in_html and post_urls_in_text skip what cannot become a post's address
    before normalising it: they find what filtering all the addresses finds."""
    markup = "".join(parts)
    assert list(urls.post_urls_in_html(markup)) == [
        u for u in urls.urls_in_html(markup) if urls.is_post_url(u)
    ]
    assert list(urls.post_urls_in_text(markup)) == [
        u for u in urls.urls_in_text(markup) if urls.is_post_url(u)
    ]


def test_a_posts_address_written_with_character_references_is_found() -> None:
    markup = '<a href="https://x.com/someone/&#115;tatus/1767">post</a> x.com/a/status/42'
    assert set(urls.post_urls_in_html(markup)) == {"x.com/status/1767", "x.com/status/42"}


def test_the_command_line_lists_accepts_and_dismisses(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from xarchive.cli import main

    assert main(["suggestions", "-a", str(demo_copy), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["suggestions"]
    shows = next(s for s in listed if s["relation"] == "shows")
    cites = next(s for s in listed if s["relation"] == "cites")
    assert main(["suggestions", "-a", str(demo_copy), "accept", str(shows["id"])]) == 0
    assert main(["suggestions", "-a", str(demo_copy), "dismiss", str(cites["id"])]) == 0
    out = capsys.readouterr().out
    assert f"Accepted [{shows['id']}]" in out and f"Dismissed [{cites['id']}]" in out
    assert main(["suggestions", "-a", str(demo_copy), "dismiss", str(shows["id"])]) == 1
    assert "remove its link instead" in capsys.readouterr().err
    assert main(["suggestions", "-a", str(demo_copy), "--all", str(shows["source_id"])]) == 0
    assert "[accepted]" in capsys.readouterr().out
    with Archive.open(demo_copy, readonly=True) as archive:
        links = Annotations(archive).of_item(shows["source_id"]).links
        assert [(k.relation, k.target_id) for k in links] == [("shows", shows["target_id"])]


def test_hashed_shingles_give_the_jaccard_of_the_word_trigrams_themselves() -> None:
    """textsim keeps a text's 3-grams as 64-bit hashes; the similarity is the one of
    the 3-grams as strings (short texts are one 'gram' of all their words)."""
    import random

    def as_strings(tokens: list[str]) -> set[str]:
        if len(tokens) <= 3:
            return {" ".join(tokens)} if tokens else set()
        return {" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)}

    rng = random.Random(5)
    vocabulary = ["court", "ban", "x", "پابندی", "order", "pta", "the"]
    for _ in range(300):
        a = rng.choices(vocabulary, k=rng.randrange(0, 40))
        b = rng.choices(vocabulary, k=rng.randrange(0, 40))
        sa, sb = as_strings(a), as_strings(b)
        expected = len(sa & sb) / len(sa | sb) if sa and sb else 0.0
        got = textsim.jaccard(textsim.shingles(a), textsim.shingles(b))
        assert got == pytest.approx(expected, abs=1e-12), (a, b)


def test_items_scanned_by_older_detectors_are_counted_and_scanned_again(demo_copy: Path) -> None:
    """After an update changes what scanning stores (SCAN_VERSION), the app offers to
    scan the archive again; it counts what is left with one query at every opening."""
    from xarchive.core.store import suggestions as store
    from xarchive.core.suggest.detect import SCAN_VERSION

    with Archive.open(demo_copy) as archive:
        suggestions = Suggestions(archive)
        assert suggestions.unscanned() == 0
        with archive.transaction():
            archive.db.execute(
                "UPDATE suggest_scanned SET version = ? WHERE item_id IN "
                "(SELECT id FROM items ORDER BY id LIMIT 5)",
                (SCAN_VERSION - 1,),
            )
        assert suggestions.unscanned() == 5 == len(store.unscanned(archive.db, SCAN_VERSION))
        suggestions.scan()
        assert suggestions.unscanned() == 0


def test_minhash_buckets_stay_those_archives_were_scanned_with() -> None:
    """The buckets are stored; new items find their near-duplicates among old ones
    only while both were bucketed alike (these are the values of the first version)."""
    from xarchive.core.suggest.detect import _buckets

    text = (
        "The Interior Ministry told the Sindh High Court that X was blocked on 17 February "
        "2024 on the advice of the agencies, for reasons of national security and public order."
    )
    assert list(_buckets("article", text))[:6] == [
        -5570365756757689299, 3029540405059611188, 5636178587241153053,
        -8811837935323669104, 8662740499050167438, -6649718658160920372,
    ]  # fmt: skip


def test_a_texts_shingles_are_its_distinct_word_triples_sorted() -> None:
    """textsim.shingles dedups by sorting (pairs.distinct), not np.unique (NumPy 2 hashes
    first: several times slower for a text's few thousand n-grams, on the import's
    main process): the same set, sorted, each once."""
    import random

    import numpy as np

    from xarchive.core.index.pairs import word_hashes
    from xarchive.core.suggest import textsim

    rng = random.Random(4)
    for length in (0, 1, 2, 3, 4, 50, 3000):
        tokens = [rng.choice(["court", "ban", "order", "x", "پابندی"]) for _ in range(length)]
        grams = textsim.shingles(tokens, 3)
        assert np.all(grams[1:] > grams[:-1])  # sorted, none twice
        if length >= 3:
            h = word_hashes(tokens).astype(np.uint64)
            raw = (h[:-2] * textsim._MIX + h[1:-1]) * textsim._MIX + h[2:]
            assert np.array_equal(grams, np.unique(raw))
        assert textsim.jaccard(grams, grams) == (1.0 if length else 0.0)


def test_items_scanned_together_store_what_each_scanned_alone_stores(demo_copy: Path) -> None:
    """detect.scan_items writes a chunk's addresses, band buckets and marks in one
    statement each: the same rows as the items scanned one by one, whether their facts
    were found beforehand (an import's workers) or are read here."""
    from xarchive.core import blobs
    from xarchive.core.store import suggestions as store
    from xarchive.core.suggest import file_facts
    from xarchive.core.suggest.detect import scan_items

    def rows(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
        return {
            table: sorted(archive.db.execute(f"SELECT * FROM {table}").fetchall())
            for table in ("suggest_urls", "suggest_bands")
        } | {"scanned": sorted(archive.db.execute(
            "SELECT item_id, version FROM suggest_scanned").fetchall())}  # fmt: skip

    with Archive.open(demo_copy) as archive:
        ids = [item.id for item in item_store.items(archive.db)]
        now = "2026-12-04T00:00:00Z"
        with archive.transaction():
            store.forget_scans(archive.db)
            for item_id in ids:
                scan_items(archive.db, archive.blobs_dir, [item_id], now)
        alone = rows(archive)
        assert alone["suggest_bands"] and alone["suggest_urls"]
        files = {item.id: item for item in item_store.items(archive.db) if item.kind != "post"}
        known = {
            item_id: file_facts(item.kind, item.source_url, item.media_type,
                                [p.text for p in item_store.pages(archive.db, item_id)],
                                blobs.blob_path(archive.blobs_dir, item.sha256)
                                if "html" in item.media_type else None)
            for item_id, item in list(files.items())[::2]
        }  # fmt: skip
        with archive.transaction():
            store.forget_scans(archive.db)
            scan_items(archive.db, archive.blobs_dir, ids, now, known)
        assert rows(archive) == alone
