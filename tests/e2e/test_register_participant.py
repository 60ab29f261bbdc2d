"""A case worker registers a returnee at the event, on a phone."""

from playwright.sync_api import expect

from participants.models import Participant

# Born 12 May 1985, a woman (day 12 + 40 = 52); the first try types 72 for the day.
WRONG_DATE_NIK = "3603 3372 0585 0007"
RIGHT_NIK = "3603 3352 0585 0007"


def choose(page, label, option_label):
    """Pick a region; Playwright waits for the option, which arrives with the narrowed chain."""
    page.get_by_label(label).select_option(label=option_label)


def fill_in_siti_aminah(page, nik):
    """The registration form filled for Siti Aminah of Mekar Baru, back from Saudi Arabia."""
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_role("radio", name="Perempuan").check()
    page.get_by_label("Tanggal lahir").fill("1985-05-12")
    choose(page, "Provinsi", "Banten")
    choose(page, "Kabupaten/kota", "Kabupaten Tangerang")
    choose(page, "Kecamatan", "Mekar Baru")
    choose(page, "Desa/kelurahan", "Mekar Baru")
    expect(page.get_by_label("Desa/kelurahan")).to_have_value("36.03.33.2001")
    page.get_by_label("Negara tujuan").select_option(label="Arab Saudi")


def test_case_worker_registers_a_returnee_on_a_phone_and_finds_her_by_a_misspelt_name(
    phone_page, live_server, demo_world, log_in
):
    page = phone_page
    log_in(page, "petugas")
    page.get_by_role("link", name="Peserta").click()
    page.get_by_role("link", name="Daftarkan PMI purna").click()

    fill_in_siti_aminah(page, WRONG_DATE_NIK)
    page.get_by_role("button", name="Daftarkan", exact=True).click()

    nik_error = page.locator("#id_nik_error")
    expect(nik_error).to_be_visible()
    expect(nik_error).to_contain_text("tanggal lahir")
    expect(nik_error).to_contain_text("72")
    assert not Participant.objects.exists()

    page.get_by_label("NIK", exact=True).fill(RIGHT_NIK)
    page.get_by_role("button", name="Daftarkan", exact=True).click()

    expect(page.locator("h1")).to_have_text("Siti Aminah")
    participant = Participant.objects.get()
    assert participant.nik == "3603335205850007"
    assert participant.village_id == "36.03.33.2001"
    expect(page.locator("#nik-value")).to_contain_text("3603**********07")

    page.get_by_role("link", name="Peserta").first.click()
    page.get_by_placeholder("Cari nama, NIK, atau nomor registrasi").fill("siti aminnah")
    page.get_by_role("button", name="Cari", exact=True).click()

    result = page.locator("#results")
    expect(result.get_by_role("link", name="Siti Aminah")).to_be_visible()
    expect(result).to_contain_text(participant.registration_number)
