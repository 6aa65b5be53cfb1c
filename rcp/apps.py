from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RcpConfig(AppConfig):
    name = "rcp"
    verbose_name = _("Tumour board")
