"""In development without SMTP_URL, mails are written to $HELPDESK_DATA_DIR/mail/."""

from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

from helpdesk.config import Settings
from helpdesk.mail.sender import deliver, sends_mail


async def test_without_smtp_a_mail_is_written_to_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        helpdesk_env="development",
        helpdesk_data_dir=tmp_path / "pg",
    )
    assert sends_mail(settings)
    message = EmailMessage()
    message["To"] = "ann@example.test"
    message["Subject"] = "Re: Printer [#1]"
    message["Message-ID"] = "<ticket1.abc@example.test>"
    message.set_content("Hello")
    await deliver(message, settings=settings)
    [written] = (tmp_path / "pg" / "mail").iterdir()
    assert message_from_bytes(written.read_bytes())["Subject"] == "Re: Printer [#1]"


def test_production_without_smtp_sends_no_mail() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        helpdesk_env="production",
        jwt_secret="x" * 40,
        database_url="postgresql://db/helpdesk",
    )
    assert not sends_mail(settings)
    assert sends_mail(settings.model_copy(update={"smtp_url": "smtp://mail:25"}))
