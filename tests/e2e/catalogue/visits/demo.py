"""Demo data of the browser tests' template: three visits."""


async def make(demo):
    for customer, outcome in (("Acme", "good"), ("Globex", "follow_up"), ("Initech", "lost")):
        await demo.create("visits", {"customer": customer, "outcome": outcome})
