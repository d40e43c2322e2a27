"""How personal data is shown: on screen, on the printed ticket, in logs."""


def mask_id_for_screen(id_number: str) -> str:
    """Keep the first 6 and last 4 characters (441621********1234); never shows characters 7–14."""
    n = id_number.strip()
    if len(n) <= 10:
        return "*" * len(n)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def mask_id_for_ticket(id_number: str) -> str:
    """Printed tickets are left in lobbies: last 4 characters only."""
    n = id_number.strip()
    if len(n) <= 4:
        return "*" * len(n)
    return "*" * (len(n) - 4) + n[-4:]


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 李四 → 李*, 欧阳娜娜 → 欧**娜; Latin names keep each word's initial (JOHN SMITH → J*** S****)."""
    name = name.strip()
    if not name:
        return ""
    if any(c.isascii() and c.isalpha() for c in name):
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_address(address: str) -> str:
    """Show the province/city/county part only (the first 9 characters at most), never the street."""
    address = address.strip()
    keep = min(len(address) // 2, 9)
    return address[:keep] + "*" * min(len(address) - keep, 6)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
