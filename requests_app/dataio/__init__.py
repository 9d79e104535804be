"""Getting data in and out: spreadsheets, WhatDoTheyKnow, public bodies, full backups."""
