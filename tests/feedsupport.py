"""Feeds for the monitored-feed tests: RSS, Atom and news sitemaps as publishers write them, an Arabic agency
story republished by two sites, and a second local server standing in for the second site."""

from __future__ import annotations

from html import escape

import pytest

from tests.httpserver import LocalServer

RSS_TYPE = [("Content-Type", "application/rss+xml; charset=utf-8")]
ATOM_TYPE = [("Content-Type", "application/atom+xml")]

#: Agency copy (about 130 words) as one site carries it.
STORY = (
    "طرابلس (رويترز) - قالت مصادر عسكرية إن قوات خليفة حفتر نقلت تعزيزات جديدة إلى محيط مدينة سرت خلال الأيام "
    "الماضية، في وقت تتواصل فيه المفاوضات بين الأطراف الليبية برعاية الأمم المتحدة. وأضافت المصادر أن عناصر من "
    "مجموعة فاغنر الروسية شوهدوا في قاعدة الجفرة الجوية، وأن طائرات شحن هبطت هناك ثلاث مرات على الأقل في الأسبوع "
    "الماضي. ولم يصدر تعليق رسمي من القيادة العامة في بنغازي على هذه المعلومات. وقال دبلوماسي غربي إن استمرار "
    "التحشيد يهدد وقف إطلاق النار الموقع في جنيف، داعيا جميع الأطراف إلى ضبط النفس واحترام خريطة الطريق السياسية. "
    "ويأتي ذلك بعد أسابيع من تبادل الاتهامات بين الحكومة في طرابلس والبرلمان في الشرق بشأن الميزانية وتوزيع عائدات "
    "النفط، وهي قضية لا تزال تعرقل توحيد المؤسسات السيادية في البلاد منذ سنوات طويلة."
)
#: The same story republished by another site: its own headline line and credit, a word changed.
STORY_COPY = "خاص - " + STORY.replace("خلال الأيام الماضية", "في الأيام الماضية") + " (المصدر: وكالات)"
#: Another story altogether, of the same length and on the same country.
OTHER_STORY = (
    "بنغازي - افتتحت السلطات المحلية في مدينة بنغازي اليوم معرضا للكتاب بمشاركة أكثر من مئة دار نشر عربية "
    "وأجنبية، في أول دورة تقام منذ عشر سنوات. وقال رئيس اللجنة المنظمة إن المعرض يضم ندوات فكرية وأمسيات شعرية "
    "وورشا للأطفال، وإن الإقبال في اليوم الأول فاق التوقعات. وأشار ناشرون مصريون وتونسيون إلى أن أسعار الكتب "
    "بقيت في متناول الطلاب رغم ارتفاع تكاليف الشحن والطباعة. ويستمر المعرض أسبوعين، وتخصص عائدات تذاكره لدعم "
    "المكتبات المدرسية في المدن التي تضررت من النزاع، بحسب بيان صادر عن وزارة الثقافة في الحكومة المؤقتة. "
    "ويأمل المنظمون أن يصبح المعرض موعدا سنويا ثابتا يعيد للمدينة مكانتها الثقافية في شمال أفريقيا."
)


def rss_item(
    link: str, title: str, *, text: str = "", summary: str = "", guid: str = "", date: str = "", author: str = ""
) -> str:
    parts = [f"<title>{escape(title)}</title>", f"<link>{escape(link)}</link>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if summary:
        parts.append(f"<description>{escape(summary)}</description>")
    if text:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split(". "))
        parts.append(f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if author:
        parts.append(f"<dc:creator>{escape(author)}</dc:creator>")
    return f"<item>{''.join(parts)}</item>"


def rss(*items: str, title: str = "أخبار", encoding: str = "utf-8") -> bytes:
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{escape(title)}</title><link>https://site.example/</link>{''.join(items)}</channel></rss>"
    )
    return document.encode(encoding)


def atom(*entries: tuple[str, str, str]) -> bytes:
    """Entries as (link, title, content)."""
    body = "".join(
        f'<entry><id>tag:site.example,2026:{n}</id><title>{escape(title)}</title><link rel="alternate" href="{link}"/>'
        f"<updated>2026-11-30T10:00:00Z</updated><author><name>مراسلنا</name></author>"
        f'<content type="html">{escape(content)}</content></entry>'
        for n, (link, title, content) in enumerate(entries)
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>ذرة</title>{body}</feed>'.encode()


def news_sitemap(*urls: tuple[str, str, str]) -> bytes:
    """URLs as (loc, title, publication date)."""
    body = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Site</news:name>"
        f"<news:language>ar</news:language></news:publication><news:publication_date>{date}</news:publication_date>"
        f"<news:title>{escape(title)}</news:title></news:news></url>"
        for loc, title, date in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>'
    ).encode()


def article_page(title: str, text: str, *, canonical: str = "", author: str = "", date: str = "2026-11-29") -> bytes:
    head = f"<title>{escape(title)}</title>"
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    if author:
        head += f'<meta name="author" content="{escape(author)}">'
    head += f'<meta property="article:published_time" content="{date}T08:00:00Z">'
    paragraphs = "".join(f"<p>{escape(p)}.</p>" for p in text.split(". "))
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">{head}</head>'
        f"<body><nav>الرئيسية</nav><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()


@pytest.fixture
def second_site():
    """Another publisher's server (another port of 127.0.0.1: another site to the desk)."""
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


#: A third story, unrelated to both.
THIRD_STORY = (
    "مصراتة - أعلنت شركة الكهرباء العامة عن خطة لصيانة محطات التوليد في المنطقة الوسطى قبل حلول فصل الصيف، "
    "مؤكدة أن ساعات انقطاع التيار ستنخفض تدريجيا مع دخول وحدات جديدة إلى الخدمة. وأوضح المتحدث باسم الشركة أن "
    "فرقا فنية تعمل ليلا ونهارا لإصلاح خطوط النقل التي تعرضت للسرقة والتخريب، وأن الاعتمادات المالية صرفت "
    "بالكامل هذا العام. وطالب سكان أحياء عدة بجدول واضح لطرح الأحمال يعلن مسبقا حتى يتمكنوا من تنظيم أعمالهم "
    "ومواعيد دراسة أبنائهم. وقال خبراء في قطاع الطاقة إن الحل الدائم يتطلب استثمارات كبيرة في الطاقة الشمسية "
    "وتحديث الشبكة، وهو ما تعمل عليه الحكومة بالتعاون مع شركاء دوليين بحسب تصريحات رسمية متكررة."
)
