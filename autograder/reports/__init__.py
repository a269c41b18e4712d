"""Reports of one result for people: terminal table, student HTML, Gradescope markdown.

    terminal.print_result(result_dict, console)
    html.render_result(result_dict) -> str        self-contained page for one student
    markdown.render_result(result_dict) -> str    Gradescope's `output_format: md`

All of them read a result dict (SPEC §4) and nothing else.
"""
