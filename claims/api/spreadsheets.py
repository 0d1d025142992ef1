"""Claims as spreadsheets over the API: export (CSV or XLSX, the claims list's filters) and import with a dry run."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from claims import spreadsheets
from claims.api import filters as f
from claims.api.permissions import IsDeskMember, IsEditorOrReadOnly
from claims.models import Claim
from claims.services import spreadsheets as sheet_services

FORMATS = ("csv", "xlsx")


class FileFormatIsNotARenderer:
    """``?format=`` names the file here, not one of DRF's renderers: every answer that is not the file is JSON."""

    def perform_content_negotiation(self, request, force=False):
        return (JSONRenderer(), "application/json")


class ClaimExportView(FileFormatIsNotARenderer, GenericAPIView):
    """The claims the list's filters select, with evidence, sources, verdicts and history, as one file."""

    permission_classes = [IsDeskMember]
    # The list's filters, not its ordering: rows are in article and text order (docs/spreadsheets.md), and DRF's
    # OrderingFilter on a view without a serializer or ordering_fields fails (a 500 for any ?ordering=).
    filter_backends = [f.FilterBackend]
    filterset_class = f.ClaimFilter
    queryset = Claim.objects.all()

    @extend_schema(
        operation_id="claims_export",
        filters=True,
        parameters=[OpenApiParameter("format", str, enum=FORMATS, default="csv", description="The file format.")],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="UTF-8 with a byte order mark; one claim a row, the columns of docs/spreadsheets.md.",
            ),
            (200, sheet_services.XLSX_TYPE): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="An unknown format, a bad filter, or more claims than an export holds."),
        },
    )
    def get(self, request, *args, **kwargs) -> HttpResponse | StreamingHttpResponse | Response:
        file_format = request.query_params.get("format", "csv")
        if file_format not in FORMATS:
            return Response({"format": "Choose csv or xlsx."}, status=status.HTTP_400_BAD_REQUEST)
        claims = self.filter_queryset(self.get_queryset())
        try:
            rows = sheet_services.export_claims(claims, file_format=file_format)
        except sheet_services.ExportRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        name = f"claims-{timezone.now():%Y-%m-%d}.{file_format}"
        response: HttpResponse | StreamingHttpResponse
        if file_format == "xlsx":
            response = HttpResponse(spreadsheets.write_xlsx(rows), content_type=sheet_services.XLSX_TYPE)
        else:
            response = StreamingHttpResponse(spreadsheets.write_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV or XLSX file with the columns of an export.")
    dry_run = serializers.BooleanField(default=False, help_text="Check every row and write nothing.")
    encoding = serializers.ChoiceField(
        choices=["", *spreadsheets.ENCODINGS],
        default="",
        help_text="The CSV file's encoding; empty: UTF-8, else recognized (windows-1256 for most Arabic files).",
    )


class ImportErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column id, or evidence[N].field for the Nth evidence item.")
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row as a spreadsheet numbers it: the header is row 1.")
    statement = serializers.CharField()
    claim = serializers.IntegerField(allow_null=True, help_text="The claim made (or that a dry run would make).")
    # Describes the answer only (never validated), so the name may hide Serializer.errors.
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]
    notes = serializers.ListField(child=serializers.CharField())


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether anything was written: never on a dry run or an error.")
    encoding = serializers.CharField()
    error = serializers.CharField(allow_null=True, help_text="Why the file as a whole could not be read.")
    error_count = serializers.IntegerField()
    created = serializers.DictField(child=serializers.IntegerField())
    rows = ImportRowSerializer(many=True)


class ClaimImportView(GenericAPIView):
    """Import claims, their articles, sources and evidence from a spreadsheet. All or nothing: a file with any
    problem writes nothing, and every problem is named by row and column. An import never publishes: claims
    enter as drafts (or researching), their verdicts kept for a reviewer other than the importer.

    The file must be a CSV or XLSX spreadsheet with the export's header row: an empty part or other bytes (which
    the schema cannot tell from a spreadsheet) are refused with a 400 whose ``error`` says why."""

    permission_classes = [IsEditorOrReadOnly]
    parser_classes = [MultiPartParser]
    serializer_class = ImportRequestSerializer

    @extend_schema(
        operation_id="claims_import",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: OpenApiResponse(ImportResultSerializer, description="A dry run that found no problem."),
            201: OpenApiResponse(ImportResultSerializer, description="Imported."),
            400: OpenApiResponse(ImportResultSerializer, description="Problems, by row and column; nothing written."),
        },
    )
    def post(self, request, *args, **kwargs) -> Response:
        serializer = ImportRequestSerializer(data=request.data)
        if not serializer.is_valid():  # answered in the documented shape too: the whole file refused, and why
            error = " ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in serializer.errors.items())
            result = sheet_services.ImportResult(rows=[], written=False, encoding="", error=error)
            return Response(result.as_dict(dry_run=False), status=status.HTTP_400_BAD_REQUEST)
        data = serializer.validated_data
        upload = data["file"]
        try:
            sheet_services.check_size(upload.size or 0)
            table = sheet_services.read_file(upload.read(), filename=upload.name or "", encoding=data["encoding"])
        except spreadsheets.SpreadsheetError as exc:
            result = sheet_services.ImportResult(rows=[], written=False, encoding=data["encoding"], error=str(exc))
            return Response(result.as_dict(dry_run=data["dry_run"]), status=status.HTTP_400_BAD_REQUEST)
        result = sheet_services.import_claims(table=table, by=request.user, dry_run=data["dry_run"])
        answer: int = status.HTTP_400_BAD_REQUEST if result.error_count else status.HTTP_200_OK
        if result.written:
            answer = status.HTTP_201_CREATED
        return Response(result.as_dict(dry_run=data["dry_run"]), status=answer)
