"""Fixture feeds, sitemaps and article pages (built here: nothing is downloaded)."""

from __future__ import annotations

from html import escape

TOPICS = ("Bern", "Zürich", "Genf", "Basel", "Luzern", "Lugano", "Chur", "Sitten")


def paragraphs(n: int) -> list[str]:
    """Distinct prose paragraphs for article ``n``."""
    place = TOPICS[n % len(TOPICS)]
    return [
        f"In {place} hat der Gemeinderat am Dienstag über das Budget {2000 + n} beraten und "
        f"nach langer Debatte einen Entscheid über {n * 3 + 7} Millionen Franken gefällt.",
        f"Die Vorlage Nummer {n} war im Vorfeld umstritten, weil mehrere Parteien eine "
        f"Senkung der Steuern um {n % 9 + 1} Prozent verlangt hatten.",
        f"Der Stadtpräsident sagte nach der Sitzung, man habe einen tragfähigen Kompromiss "
        f"gefunden, der auch für das Jahr {2001 + n} Spielraum lasse.",
    ]


def article_page(title: str, paras: list[str], site: str = "Testblatt") -> bytes:
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paras)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><meta property='og:site_name' content='{escape(site)}'>"
        f"<meta property='og:title' content='{escape(title)}'></head><body><article>"
        f"<h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


def rss(items: list[dict], title: str = "Testblatt - Neueste") -> bytes:
    """RSS 2.0; an item dict may hold title, link, date, summary, content, source."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{escape(title)}</title><link>http://example.org/</link>",
    ]
    for item in items:
        out.append("<item>")
        for key, tag in (("title", "title"), ("link", "link"), ("date", "pubDate"),
                         ("summary", "description"), ("guid", "guid")):  # fmt: skip
            if item.get(key):
                out.append(f"<{tag}>{escape(item[key])}</{tag}>")
        if item.get("source"):
            out.append(f'<source url="http://example.org/">{escape(item["source"])}</source>')
        if item.get("content"):
            out.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def atom(items: list[dict], title: str = "Testblatt Atom") -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:test</id><updated>2023-09-13T08:30:00Z</updated>",
    ]
    for n, item in enumerate(items):
        out.append(f"<entry><id>urn:test:{n}</id><title>{escape(item['title'])}</title>")
        out.append(f'<link rel="alternate" href="{escape(item["link"])}"/>')
        if item.get("date"):
            out.append(f"<published>{item['date']}</published>")
        if item.get("summary"):
            out.append(f"<summary>{escape(item['summary'])}</summary>")
        if item.get("content"):
            out.append(f'<content type="html">{escape(item["content"])}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


def rdf(items: list[dict], title: str = "Testblatt RDF") -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="http://example.org/"><title>{escape(title)}</title></channel>',
    ]
    for item in items:
        out.append(
            f'<item rdf:about="{escape(item["link"])}"><title>{escape(item["title"])}</title>'
        )
        out.append(f"<link>{escape(item['link'])}</link>")
        if item.get("date"):
            out.append(f"<dc:date>{item['date']}</dc:date>")
        if item.get("summary"):
            out.append(f"<description>{escape(item['summary'])}</description>")
        out.append("</item>")
    out.append("</rdf:RDF>")
    return "\n".join(out).encode("utf-8")


def news_sitemap(links: list[dict]) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for link in links:
        out.append(f"<url><loc>{escape(link['url'])}</loc><news:news><news:publication>"
                   f"<news:name>{escape(link.get('name', 'Testblatt'))}</news:name>"
                   "<news:language>de</news:language></news:publication>"
                   f"<news:publication_date>{link['date']}</news:publication_date>"
                   f"<news:title>{escape(link['title'])}</news:title></news:news></url>")  # fmt: skip
    out.append("</urlset>")
    return "\n".join(out).encode("utf-8")


def sitemap_index(urls: list[str]) -> bytes:
    inner = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</sitemapindex>'
    ).encode()
