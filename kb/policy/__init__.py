"""What Chinese policy language means: dates and deadlines, targets, lead and partner units,
validity (时效), and levels of government and places (scope). Pure rules over text and metadata:
nothing here reads an index or renders a page."""
