"""Charts on pages, the CSV route, data series editing and CSV import in the admin."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.plugin import utils
from wagtail_campaign.models import DataSeries, NotablePerson

SVG_NS = "{http://www.w3.org/2000/svg}"


class ChartOnPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.home = utils.host_home()
        cls.series = utils.make_series()
        cls.page = utils.make_campaign(
            cls.home,
            body=[("chart", {"series": cls.series, "kind": "", "takeaway": "Most died in 2010."})],
        )

    def test_chart_svg_is_accessible_and_complete(self) -> None:
        html = self.client.get(self.page.url).content.decode()
        svg_text = re.search(r"<svg.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
        svg = ET.fromstring(svg_text)
        self.assertEqual(svg.get("role"), "img")
        title_id, desc_id = svg.get("aria-labelledby", "").split()
        title = svg.find(f"{SVG_NS}title")
        desc = svg.find(f"{SVG_NS}desc")
        self.assertEqual((title.get("id"), desc.get("id")), (title_id, desc_id))  # type: ignore[union-attr]
        self.assertIn("Ahmadis killed per year", title.text or "")  # type: ignore[union-attr]
        self.assertTrue((desc.text or "").strip())  # type: ignore[union-attr]
        known = [v for _, v in utils.SEED_DEATHS if v is not None]
        marks = [el for el in svg.iter() if "mark" in (el.get("class") or "").split()]
        self.assertEqual(len(marks), len(known))
        rows = re.findall(r'<tr><th scope="row">', html)
        self.assertEqual(len(rows), len(utils.SEED_DEATHS))
        self.assertIn("Most died in 2010.", html)
        self.assertIn("no data", html)  # 2012 has no sourced figure: never drawn as zero

    def test_csv_route_returns_the_points_exactly(self) -> None:
        response = self.client.get(self.page.url + f"chart/{self.series.pk}/csv/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(
            [(row["label"], float(row["value"]) if row["value"] else None) for row in rows],
            utils.SEED_DEATHS,
        )

    def test_csv_route_for_missing_series_is_404(self) -> None:
        response = self.client.get(self.page.url + "chart/999999/csv/")
        self.assertEqual(response.status_code, 404)

    def test_line_chart_kind_is_honoured(self) -> None:
        page = utils.make_campaign(
            self.home,
            slug="line",
            body=[("chart", {"series": self.series, "kind": "line", "takeaway": ""})],
        )
        html = self.client.get(page.url).content.decode()
        self.assertIn("<circle", html)
        self.assertNotIn('<rect class="mark"', html)


class DataSeriesAdminTests(WagtailPageTestCase):
    def setUp(self) -> None:
        self.login()
        self.series = utils.make_series()
        self.import_url = reverse(
            "wagtailsnippets_wagtail_campaign_dataseries:import_csv", args=(self.series.pk,)
        )

    def _points(self) -> list[tuple[str, float | None]]:
        return [(p.label, p.value) for p in self.series.points.all()]

    def test_add_series_with_points_in_the_admin(self) -> None:
        data = nested_form_data(
            {
                "title": "New series",
                "unit": "",
                "default_kind": "bar",
                "source_url": "",
                "source_note": "",
                "points": inline_formset(
                    [
                        {"label": "2001", "value": "9", "note": "", "source_url": ""},
                        {"label": "2002", "value": "", "note": "unknown", "source_url": ""},
                    ]
                ),
            }
        )
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_campaign_dataseries:add"), data
        )
        self.assertEqual(response.status_code, 302)
        created = DataSeries.objects.get(title="New series")
        self.assertEqual(
            [(p.label, p.value) for p in created.points.all()], [("2001", 9.0), ("2002", None)]
        )

    def test_duplicate_labels_are_a_form_error(self) -> None:
        data = nested_form_data(
            {
                "title": "Dupes",
                "unit": "",
                "default_kind": "bar",
                "source_url": "",
                "source_note": "",
                "points": inline_formset(
                    [
                        {"label": "2001", "value": "9", "note": "", "source_url": ""},
                        {"label": "2001", "value": "3", "note": "", "source_url": ""},
                    ]
                ),
            }
        )
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_campaign_dataseries:add"), data
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Another point already has this label.")
        self.assertFalse(DataSeries.objects.filter(title="Dupes").exists())

    def test_import_button_is_offered(self) -> None:
        response = self.client.get(
            reverse("wagtailsnippets_wagtail_campaign_dataseries:edit", args=(self.series.pk,))
        )
        self.assertContains(response, self.import_url)

    def test_csv_import_replaces_points(self) -> None:
        response = self.client.get(self.import_url)
        self.assertEqual(response.status_code, 200)
        upload = SimpleUploadedFile(
            "deaths.csv", "\ufeffyear,value,note\r\n2019,5,\r\n2020,,no sourced figure\r\n".encode()
        )
        response = self.client.post(self.import_url, {"file": upload, "text": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self._points(), [("2019", 5.0), ("2020", None)])

    def test_csv_with_bad_rows_changes_nothing_and_lists_every_error(self) -> None:
        before = self._points()
        text = "label,value\n2001,9\n2002,abc\n2003,-4\n2001,7\n"
        response = self.client.post(self.import_url, {"text": text})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("row 3", html)
        self.assertIn("row 4", html)
        self.assertIn("row 5", html)
        self.assertEqual(self._points(), before)

    def test_csv_import_rejects_binary_and_empty_input(self) -> None:
        before = self._points()
        upload = SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage")
        response = self.client.post(self.import_url, {"file": upload, "text": ""})
        self.assertContains(response, "UTF-8")
        response = self.client.post(self.import_url, {"text": "   "})
        self.assertContains(response, "Choose a CSV file or paste CSV text.")
        self.assertEqual(self._points(), before)

    def test_csv_import_needs_permission(self) -> None:
        self.client.logout()
        response = self.client.get(self.import_url)
        self.assertNotEqual(response.status_code, 200)


class NotablePersonTests(WagtailPageTestCase):
    def setUp(self) -> None:
        self.login()

    def test_photo_needs_a_description(self) -> None:
        image = utils.make_image()
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_campaign_notableperson:add"),
            {
                "name": "Abdus Salam",
                "lifespan": "1926–1996",
                "contribution": "Physicist.",
                "photo": image.pk,
                "photo_alt": "",
                "source_url": "https://example.org/salam",
                "source_title": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Describe the image for people who cannot see it.")
        self.assertFalse(NotablePerson.objects.exists())

    def test_sources_must_be_web_addresses(self) -> None:
        # The core library draws only http(s) sources; an ftp one must fail in the form,
        # not silently hide the chart later.
        response = self.client.post(
            reverse("wagtailsnippets_wagtail_campaign_notableperson:add"),
            {
                "name": "Someone",
                "lifespan": "",
                "contribution": "Something.",
                "photo": "",
                "photo_alt": "",
                "source_url": "ftp://example.org/file",
                "source_title": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(NotablePerson.objects.exists())
